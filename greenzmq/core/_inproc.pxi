# inproc:// bookkeeping: the libzmq 4.3 assertions behind inproc names, refused up front.
#
# A connect to an inproc name that nothing has bound yet leaves a *pending connection* in
# the context: a pipe whose far end waits, with the connector's routing-id message in it,
# for the socket that binds the name later (or for the PAIR socket that zmq_ctx_term binds
# to each pending name). libzmq 4.3.4 asserts when that far end is attached after the
# connector gave up on the pipe (disconnect/unbind, or close):
#   - ctx.cpp:809 "ok": a binder that takes no routing ids (every type but ROUTER) reads the
#     routing id out of the pipe; a CONFLATE connector's pipe keeps one message only, so
#     after the connector's close/disconnect wrote the delimiter there is nothing to read;
#   - pipe.cpp:87 "written": the binder writes its routing id to an open connector that
#     takes routing ids (ROUTER, REP) into a pipe that is no longer open: the connector
#     disconnected it, or the binder is a PAIR, which terminates every pipe but its first;
#   - ctx.cpp:169 "s": zmq_ctx_term cannot make its PAIR for a pending name (EMFILE: out of
#     file descriptors or of MAX_SOCKETS).
# Each Context keeps, per inproc name made through greenzmq: who bound it, as (weakref to
# the socket, True for a monitor's name), and its pending connections as [weakref to the
# connector, takes routing ids, conflate, given up].
# Only bind/connect/unbind/disconnect/monitor/close on inproc names pay for it.

cdef bytes _endpoint(object addr):
    """An endpoint as libzmq's C string; a NUL inside would cut it short there (and the
    name libzmq uses would differ from the one asked for, and from our bookkeeping)."""
    cdef bytes b = _b(addr, "addr")
    if b"\x00" in b:
        raise ValueError("endpoint %r contains a NUL character" % (addr,))
    return b


cdef inline bint _is_inproc(bytes addr):
    return addr.startswith(_INPROC)


cdef int _inproc_before_bind(object context, bytes name, int bind_type) except -1:
    """Refuse (or defuse) a bind that libzmq would abort on; called before zmq_bind."""
    if not isinstance(context, Context):
        return 0  # a shadow socket: its context is not ours to track
    cdef Context ctx = <Context>context
    cdef list entries = ctx._inproc_pending.get(name)
    if not entries or bind_type == ZMQ_ROUTER:
        return 0  # (a ROUTER binder reads nothing out of the pipes; see ctx.cpp:809)
    if bind_type == ZMQ_PAIR:
        # a PAIR keeps the first pipe and terminates the others as it attaches them; the
        # routing id then written to a ROUTER/REP connector's terminated pipe aborts
        for e in entries[1:]:
            if e[1] and not _given_up(e):
                raise ZMQError(EINVAL, "Invalid argument (%r: a PAIR socket cannot bind an "
                               "inproc name that several sockets, one of them a ROUTER or "
                               "REP, connected to before it was bound; libzmq 4.3 aborts "
                               "(pipe.cpp:87))" % name.decode("utf-8", "replace"))
    dead_conflate = [e for e in entries if e[2] and _given_up(e)]
    if not dead_conflate:
        return 0
    if len(dead_conflate) == len(entries):
        # every pending pipe is a dead CONFLATE one (its content already overwritten by
        # the delimiter): attach them to a throw-away ROUTER, then bind as asked
        _drain_name(ctx, name)
        return 0
    raise ZMQError(EADDRINUSE, "Address in use (%r: a CONFLATE socket that connected to this "
                   "inproc name before anything bound it was closed or disconnected, and "
                   "other connections wait for the name; libzmq 4.3 aborts when a %s socket "
                   "binds it (ctx.cpp:809); bind it with a ROUTER socket, or close the other "
                   "connectors first)" % (name.decode("utf-8", "replace"),
                                          _socket_type_name(bind_type)))


cdef bint _given_up(list entry):
    cdef object s = entry[0]()
    return entry[3] or s is None or (<Socket>s).handle == NULL


cdef int _inproc_bound(object context, bytes name, Socket s, bint monitor) except -1:
    """After a successful bind (or monitor): the pending connections are attached."""
    if not isinstance(context, Context):
        return 0  # a shadow socket: its context is not ours to track
    cdef Context ctx = <Context>context
    ctx._inproc_pending.pop(name, None)
    ctx._inproc_bound[name] = (_weakref.ref(s), monitor)
    return 0


cdef bint _bound_by(tuple owner, Socket s, bint monitor):
    return owner[0]() is s and owner[1] == monitor


cdef int _inproc_monitor_stopped(object context, Socket s) except -1:
    if not isinstance(context, Context):
        return 0  # a shadow socket: its context is not ours to track
    cdef Context ctx = <Context>context
    for name in [n for n, o in ctx._inproc_bound.items() if _bound_by(o, s, True)]:
        del ctx._inproc_bound[name]
    return 0


cdef int _inproc_connected(object context, bytes name, Socket s) except -1:
    if not isinstance(context, Context):
        return 0  # a shadow socket: its context is not ours to track
    cdef Context ctx = <Context>context
    cdef tuple owner = ctx._inproc_bound.get(name)
    cdef object binder = owner[0]() if owner is not None else None
    if binder is not None and (<Socket>binder).handle != NULL:
        return 0  # connected at once: no pending pipe
    ctx._inproc_pending.setdefault(name, []).append([
        _weakref.ref(s), s.socket_type == ZMQ_ROUTER or s.socket_type == ZMQ_REP,
        s.socket_type in (ZMQ_DEALER, ZMQ_PULL, ZMQ_PUSH, ZMQ_PUB, ZMQ_SUB)
        and s.getsockopt(ZMQ_CONFLATE) != 0, False])
    return 0


cdef int _inproc_before_disconnect(object context, bytes name, Socket s) except -1:
    """unbind()/disconnect() of an inproc name (libzmq treats both alike)."""
    if not isinstance(context, Context):
        return 0  # a shadow socket: its context is not ours to track
    cdef Context ctx = <Context>context
    cdef list entries = ctx._inproc_pending.get(name)
    if not entries:
        return 0
    for e in entries:
        if e[0]() is s and e[1] and not e[3]:
            raise ZMQError(ENOTSUP, "Operation not supported (%r: a ROUTER or REP socket "
                           "cannot disconnect "
                           "from an inproc name that nothing has bound yet; libzmq 4.3 "
                           "aborts when the name is bound later (pipe.cpp:87); close the "
                           "socket instead)" % name.decode("utf-8", "replace"))
    return 0


cdef int _inproc_disconnected(object context, bytes name, Socket s) except -1:
    if not isinstance(context, Context):
        return 0  # a shadow socket: its context is not ours to track
    cdef Context ctx = <Context>context
    cdef tuple owner = ctx._inproc_bound.get(name)
    if owner is not None and _bound_by(owner, s, False):
        del ctx._inproc_bound[name]  # it was an unbind
        return 0
    for e in ctx._inproc_pending.get(name, ()):
        if e[0]() is s:
            e[3] = True
    return 0


cdef int _inproc_closed(object context, Socket s) except -1:
    if not isinstance(context, Context):
        return 0  # a shadow socket: its context is not ours to track
    cdef Context ctx = <Context>context
    if not ctx._inproc_bound:
        return 0
    # its names are free again (libzmq frees them when its reaper gets to the socket:
    # a pending entry recorded meanwhile is one too many, which only costs a drain)
    for name in [n for n, o in ctx._inproc_bound.items() if o[0]() is s or o[0]() is None]:
        del ctx._inproc_bound[name]
    return 0


cdef int _drain_name(Context ctx, bytes name) except -1:
    """Bind ``name`` with a throw-away ROUTER and close it: libzmq attaches the pending
    pipes to it (reading nothing out of them) and drops them."""
    cdef int zero = 0
    cdef void *t = zmq_socket(ctx.handle, ZMQ_ROUTER)
    if t == NULL:
        _raise(c_zmq_errno(), "a socket to attach the pending inproc connections of %r "
               "(libzmq would abort: ctx.cpp:169); free a file descriptor or a socket and "
               "retry" % name.decode("utf-8", "replace"))
    zmq_setsockopt(t, ZMQ_LINGER, &zero, sizeof(int))
    if zmq_bind(t, name) == 0:  # (EADDRINUSE: bound elsewhere meanwhile, nothing pending)
        zmq_unbind(t, name)  # now: the close below frees the name only in libzmq's reaper
    zmq_close(t)
    ctx._inproc_pending.pop(name, None)
    return 0


cdef int _inproc_before_term(Context ctx) except -1:
    """zmq_ctx_term binds a PAIR to every pending name (ctx.cpp:160-170), which aborts on
    a dead CONFLATE pipe or when no socket can be made: do that step here, safely."""
    for name in list(ctx._inproc_pending):
        _drain_name(ctx, name)
    return 0
