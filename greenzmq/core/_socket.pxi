# Socket: the C surface (send/recv/multipart/options/poll); conveniences live in socket.py.
from libc.stdint cimport int64_t

cdef bytes _INPROC = b"inproc://"
# copies at least this big run without the GIL, so other threads work meanwhile
DEF _BIG_COPY = 65536


cdef extern from "Python.h":
    ctypedef struct PyInterpreterState
    ctypedef struct PyThreadState
    PyInterpreterState *PyInterpreterState_Get()
    PyThreadState *PyInterpreterState_ThreadHead(PyInterpreterState *)
    PyThreadState *PyThreadState_Next(PyThreadState *)


cdef inline bint _other_threads() noexcept:
    """Whether another Python thread exists (that could use the GIL while we wait)."""
    cdef PyThreadState *ts = PyInterpreterState_ThreadHead(PyInterpreterState_Get())
    return ts != NULL and PyThreadState_Next(ts) != NULL


cdef inline bytes _msg_bytes(zmq_msg_t *msg):
    cdef size_t n = zmq_msg_size(msg)
    cdef char *src = <char *>zmq_msg_data(msg)
    cdef bytes out
    cdef char *dst
    if n < _BIG_COPY:
        return PyBytes_FromStringAndSize(src, n)
    out = PyBytes_FromStringAndSize(NULL, n)
    dst = PyBytes_AS_STRING(out)
    with nogil:
        memcpy(dst, src, n)
    return out


cdef extern from "<sys/socket.h>" nogil:
    int socket(int domain, int type, int protocol)
    enum: AF_NETLINK, SOCK_RAW, SOCK_CLOEXEC
cdef extern from "<linux/netlink.h>" nogil:
    enum: NETLINK_ROUTE
cdef extern from "<unistd.h>" nogil:
    int c_close "close"(int fd)
cdef extern from "<errno.h>" nogil:
    int errno
    enum: ENFILE


cdef extern from "<sys/socket.h>" nogil:
    int getsockopt(int fd, int level, int name, void *val, unsigned int *len)
    enum: SOL_SOCKET, SO_ACCEPTCONN

DEF _USE_FD = 89


cdef int _check_use_fd(int fd) except -1:
    """libzmq accepts on a USE_FD descriptor without checking it: anything but a listening
    socket aborts in its poller (epoll.cpp:100) or in accept()."""
    cdef int listening = 0
    cdef unsigned int n = sizeof(int)
    if getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &n) != 0 or not listening:
        raise ZMQError(EINVAL, "Invalid argument (USE_FD=%d is not a listening socket)" % fd)
    return 0


cdef int _check_fd_room(bytes addr) except -1:
    """libzmq resolves a tcp/udp/ws address with getifaddrs() (a netlink socket) and
    aborts when that fails with EMFILE (ip_resolver.cpp:542): try one such socket first."""
    cdef int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)
    if fd >= 0:
        c_close(fd)
        return 0
    if errno == EMFILE or errno == ENFILE:
        _raise(errno, "addr=%r: no file descriptor left to resolve it" % addr.decode(
            "utf-8", "replace"))
    return 0  # (no netlink here: libzmq copes, or says so itself)


cdef class Socket:
    """A libzmq socket (core class; ``greenzmq.Socket`` adds pyzmq's conveniences).

    Parameters
    ----------
    context : Context
        The context that makes the socket.
    socket_type : int
        PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB or STREAM.
    shadow : int, optional
        Address of an existing libzmq socket to wrap without owning it.
    copy_threshold : int, optional
        Below this many bytes, ``copy=False`` sends still copy.
    """

    def __cinit__(self, *args, **kwargs):
        self._wakefd = -1
        self._linger = -1

    def __init__(self, context=None, socket_type=-1, shadow=0, copy_threshold=None):
        cdef int stype
        if self.handle != NULL:
            return
        self._pid = getpid()
        self.copy_threshold = _copy_threshold if copy_threshold is None else copy_threshold
        if shadow:
            self.handle = <void *><size_t>shadow
            self._shadow = True
            self.context = context
            self.socket_type = self.getsockopt(ZMQ_TYPE)
            return
        if not isinstance(context, Context):
            raise TypeError("a Socket needs a Context, not %s" % type(context).__name__)
        if not isinstance(socket_type, int):
            raise TypeError("socket_type must be an int, not %s" % type(socket_type).__name__)
        (<Context>context)._check_open()
        stype = socket_type
        if not ZMQ_PAIR <= stype <= ZMQ_STREAM:
            # libzmq built with its draft API (Debian's is) makes SERVER, DGRAM, ... too,
            # which greenzmq does not drive (a failed DGRAM send aborts in zmq.cpp:413):
            # EINVAL, as from a libzmq without it
            raise ZMQError(EINVAL, "Invalid argument (socket_type=%r: greenzmq makes the "
                                   "socket types PAIR..STREAM, 0-11)" % (socket_type,))
        self.handle = zmq_socket((<Context>context).handle, stype)
        if self.handle == NULL:
            _raise(c_zmq_errno(), "socket_type=%r" % (socket_type,))
        self.socket_type = stype
        self._lockstep = stype == ZMQ_REQ or stype == ZMQ_REP
        self._linger = self.getsockopt(ZMQ_LINGER)  # (-1, or 0 when the context is not BLOCKY)
        self.context = context
        (<Context>context)._sockets.add(self)

    def __dealloc__(self):
        # unreachable and still open: close without lingering (term must not wait for it)
        cdef int zero = 0
        cdef void *h = self.handle if self.handle != NULL else self._handoff
        if h != NULL and not self._shadow and self._pid == getpid():
            zmq_setsockopt(h, ZMQ_LINGER, &zero, sizeof(int))
            zmq_close(h)
        self.handle = self._handoff = NULL
        if self._wakefd >= 0:
            fd_close(self._wakefd)

    def __del__(self):
        if self.handle != NULL and not self._shadow and self._pid == getpid() and not _exiting:
            _warnings.warn("unclosed %r" % (self,), ResourceWarning, stacklevel=2, source=self)

    def __repr__(self):
        return "<%s.%s(%s) at %#x%s>" % (
            type(self).__module__, type(self).__name__, _socket_type_name(self.socket_type),
            id(self), " closed" if self.handle == NULL else "")

    # --- state -----------------------------------------------------------------------------

    @property
    def closed(self):
        """True once the socket is closed."""
        return self.handle == NULL

    @property
    def underlying(self):
        """The address of the libzmq socket, for ``Socket.shadow`` elsewhere."""
        return <size_t>self.handle

    @property
    def _blocking(self):
        """True while a thread is blocked in a libzmq call on this socket."""
        return self._busy > 0

    cdef int _check_open(self) except -1:
        return _open(self)

    cdef int _blocking_done(self) except -1:
        # close() from another thread or destroy() asked the last blocked call out to close
        if self._busy or not self._close_on_return:
            return 0
        self._close_on_return = False
        if self._handoff != NULL:
            self.handle, self._handoff = self._handoff, NULL
        if self.handle != NULL:
            self.close()
        return 0

    def close(self, linger=None):
        """Close the socket (a no-op when already closed).

        Parameters
        ----------
        linger : int, optional
            Set LINGER (ms) first: how long term() may wait for unsent messages.
        """
        cdef int rc
        if self.handle == NULL:
            return
        if self._busy and self._wakefd < 0:
            # no wake-up fd (the process was at its fd limit when the call began)
            raise ZMQError(EBUSY, "cannot close a socket while another thread is blocked in it "
                                  "(it cannot be woken: no file descriptor was free); use "
                                  "Context.destroy() to wake it, or close it from that thread")
        if linger is not None:
            try:
                self.setsockopt(ZMQ_LINGER, linger)
            except ContextTerminated:
                # the socket has seen its context terminate (a call after term() began):
                # libzmq refuses options then and it closes with the LINGER it had
                self._linger_refused = True
        if self._busy:
            # closed for everyone from now on; the blocked call wakes, closes it and raises
            # ENOTSOCK (libzmq aborts on a socket closed while a call is inside it)
            self._handoff, self.handle = self.handle, NULL
            self._close_on_return = True
            eventfd_write(self._wakefd, 1)
            return
        if self._wakefd >= 0:
            fd_close(self._wakefd)
            self._wakefd = -1
        if self._shadow or self._pid != getpid():
            self.handle = NULL
            return
        if self._linger < 0 and isinstance(self.context, Context):
            (<Context>self.context)._closed_forever(self)
        rc = zmq_close(self.handle)
        self.handle = NULL
        if self._has_endpoint:
            _inproc_closed(self.context, self)
        if rc < 0:
            _raise(c_zmq_errno())

    # --- endpoints -------------------------------------------------------------------------

    cdef int _check_endpoint(self, bytes addr) except -1:
        if isinstance(self.context, Context):
            # libzmq refuses only once this socket has seen its stop command: an inproc
            # connect in between leaves a pending connection that term() never attaches
            # (it did that step already), and term() then waits for it forever
            (<Context>self.context)._check_open()
        if not (addr.startswith(_INPROC) or addr.startswith(b"ipc://")):
            _check_fd_room(addr)
        # libzmq 4.3 asserts (aborts the process) on these sequences: refuse them instead
        if addr.startswith(_INPROC):
            if self.socket_type == ZMQ_STREAM:
                raise ZMQError(EPROTONOSUPPORT, "STREAM sockets do not support inproc:// (%r)"
                               % addr.decode("utf-8", "replace"))
            if self.socket_type == ZMQ_PAIR and self._has_endpoint:
                raise ZMQError(EINVAL, "a PAIR socket with a peer endpoint cannot also use "
                                       "inproc:// (%r)" % addr.decode("utf-8", "replace"))
        return 0

    def bind(self, addr):
        """Bind to an endpoint such as ``tcp://*:5555``, ``ipc:///tmp/x`` or ``inproc://x``."""
        cdef bytes baddr = _endpoint(addr)
        cdef int rc
        cdef bint inproc = _is_inproc(baddr)
        self._check_open()
        self._check_endpoint(baddr)
        if inproc:
            _inproc_before_bind(self.context, baddr, self.socket_type)
        rc = zmq_bind(self.handle, baddr)
        if rc < 0:
            _raise(c_zmq_errno(), "addr=%r" % (addr,))
        self._has_endpoint = True
        if inproc:
            _inproc_bound(self.context, baddr, self, False)

    def connect(self, addr):
        """Connect to an endpoint."""
        cdef bytes baddr = _endpoint(addr)
        cdef int rc
        self._check_open()
        self._check_endpoint(baddr)
        rc = zmq_connect(self.handle, baddr)
        if rc < 0:
            _raise(c_zmq_errno(), "addr=%r" % (addr,))
        self._has_endpoint = True
        if _is_inproc(baddr):
            _inproc_connected(self.context, baddr, self)

    def unbind(self, addr):
        """Stop listening on an endpoint that bind() opened."""
        cdef bytes baddr = _endpoint(addr)
        cdef bint inproc = _is_inproc(baddr)
        self._check_open()
        if inproc:
            _inproc_before_disconnect(self.context, baddr, self)
        if zmq_unbind(self.handle, baddr) < 0:
            _raise(c_zmq_errno(), "addr=%r" % (addr,))
        if inproc:
            _inproc_disconnected(self.context, baddr, self)

    def disconnect(self, addr):
        """Disconnect from an endpoint that connect() opened."""
        cdef bytes baddr = _endpoint(addr)
        cdef bint inproc = _is_inproc(baddr)
        self._check_open()
        if inproc:
            _inproc_before_disconnect(self.context, baddr, self)
        if zmq_disconnect(self.handle, baddr) < 0:
            _raise(c_zmq_errno(), "addr=%r" % (addr,))
        if inproc:
            _inproc_disconnected(self.context, baddr, self)

    def monitor(self, addr, int events=ZMQ_EVENT_ALL):
        """Publish socket events on a PAIR socket at ``addr`` (inproc); None stops it."""
        cdef int rc
        self._check_open()
        _inproc_monitor_stopped(self.context, self)  # (libzmq stops the old one, even on errors)
        if addr is None:
            rc = zmq_socket_monitor(self.handle, NULL, 0)
        else:
            baddr = _endpoint(addr)
            if _is_inproc(baddr):  # libzmq binds a PAIR to it
                _inproc_before_bind(self.context, baddr, ZMQ_PAIR)
            rc = zmq_socket_monitor(self.handle, <bytes>baddr, events)
        if rc < 0:
            _raise(c_zmq_errno(), None if addr is None else "addr=%r" % (addr,))
        if addr is not None:
            _inproc_bound(self.context, baddr, self, True)

    # --- options ---------------------------------------------------------------------------
    # every option entry point (set/get, setsockopt_string, the attributes, the context's
    # socket defaults) ends in these two, so _opt_kind is the one guard before the tables

    def setsockopt(self, int option, optval):
        """Set a socket option; bytes options need bytes, the others an int."""
        cdef int ival
        cdef int64_t lval
        cdef int t, rc, err
        self._check_open()
        t = _opt_kind(option, optval)
        if t == _T_BYTES:
            if isinstance(optval, str):
                raise TypeError("str is not allowed for option %d: use setsockopt_string" % option)
            if not isinstance(optval, bytes):
                if not PyObject_CheckBuffer(optval):
                    raise TypeError(
                        "option %d needs bytes, not %s" % (option, type(optval).__name__))
                optval = bytes(memoryview(optval))
            rc = zmq_setsockopt(self.handle, option, PyBytes_AS_STRING(optval),
                                PyBytes_GET_SIZE(optval))
        else:
            if not isinstance(optval, int):
                raise TypeError("option %d needs an int, not %s" % (option, type(optval).__name__))
            try:
                if t == _T_INT64:
                    lval = optval
                else:
                    ival = optval
            except OverflowError:
                raise ValueError("value %r out of range for option %d" % (optval, option)) from None
            if t == _T_INT64:
                rc = zmq_setsockopt(self.handle, option, &lval, sizeof(int64_t))
            else:
                if option == _USE_FD and ival != -1:
                    _check_use_fd(ival)
                rc = zmq_setsockopt(self.handle, option, &ival, sizeof(int))
        if rc < 0:
            err = c_zmq_errno()
            if err == EINVAL and _opt_string[option] == 2:
                raise ValueError("a CURVE key is 32 raw bytes or 40 Z85 characters, not %d bytes"
                                 % len(optval))
            _raise(err, "option=%d" % option)
        if option == ZMQ_LINGER:
            self._linger = ival

    def getsockopt(self, int option):
        """Get a socket option: int, or bytes for the bytes options."""
        cdef int ival = 0
        cdef int64_t lval = 0
        cdef char buf[256]
        cdef size_t sz
        cdef int t, rc
        self._check_open()
        t = _opt_kind(option)
        if t == _T_BYTES:
            sz = 41 if _opt_string[option] == 2 else 255
            rc = zmq_getsockopt(self.handle, option, buf, &sz)
            if rc < 0:
                _raise(c_zmq_errno(), "option=%d" % option)
            if _opt_string[option] and sz > 0 and buf[sz - 1] == 0:
                sz -= 1
            return PyBytes_FromStringAndSize(buf, sz)
        if t == _T_INT64:
            sz = sizeof(int64_t)
            rc = zmq_getsockopt(self.handle, option, &lval, &sz)
            if rc < 0:
                _raise(c_zmq_errno(), "option=%d" % option)
            return lval
        sz = sizeof(int)
        rc = zmq_getsockopt(self.handle, option, &ival, &sz)
        if rc < 0:
            _raise(c_zmq_errno(), "option=%d" % option)
        return ival

    def _events(self):
        """ZMQ_EVENTS as an int (the green engine's probe; processes pending commands)."""
        cdef int ival = 0
        cdef size_t sz = sizeof(int)
        cdef int err
        _open(self)
        while zmq_getsockopt(self.handle, ZMQ_EVENTS, &ival, &sz) < 0:
            err = c_zmq_errno()
            if err != EINTR:
                _raise(err)
            PyErr_CheckSignals()
        return ival

    def fileno(self):
        """ZMQ_FD: an edge-style notification fd (see design.md), not a readiness fd."""
        cdef int fd = -1
        cdef size_t sz = sizeof(int)
        self._check_open()
        _check_rc(zmq_getsockopt(self.handle, ZMQ_FD, &fd, &sz))
        return fd

    # --- send ------------------------------------------------------------------------------

    cdef int _send_copy(self, const char *buf, size_t n, int flags) except -1:
        cdef int err
        if n < _BIG_COPY and (flags & ZMQ_DONTWAIT or not self._lockstep or not _other_threads()):
            # small: try once holding the GIL (releasing it costs more than the copy, and
            # streaming senders would trade the GIL with their receiver on every message).
            # A REQ/REP send is always followed by a wait for the answer, so there we
            # release it: the peer thread finds it free when our message wakes it (this
            # halves two-thread ping-pong latency)
            if zmq_send(self.handle, buf, n, flags | ZMQ_DONTWAIT) >= 0:
                return 0
            err = c_zmq_errno()
            if err != EAGAIN or flags & ZMQ_DONTWAIT:
                _raise(err)
            return _sockop_block(self, _OP_SEND, <void *>buf, n, NULL, flags, ZMQ_POLLOUT, True)
        # big copies, and waits, run with the GIL released
        return _sockop_block(self, _OP_SEND, <void *>buf, n, NULL, flags, ZMQ_POLLOUT, False)

    cdef int _send_msg(self, zmq_msg_t *msg, int flags) except -1:
        # sends msg (libzmq takes it) or closes it and raises
        cdef int err
        if zmq_msg_send(msg, self.handle, flags | ZMQ_DONTWAIT) >= 0:
            return 0
        err = c_zmq_errno()
        try:
            if err != EAGAIN or flags & ZMQ_DONTWAIT:
                _raise(err)
            _sockop_block(self, _OP_MSG_SEND, NULL, 0, msg, flags, ZMQ_POLLOUT, True)
        except BaseException:
            zmq_msg_close(msg)
            raise
        return 0

    cdef object _send_obj(self, object data, int flags, bint copy, bint track):
        cdef Py_buffer view
        cdef zmq_msg_t msg
        cdef _Flag flag
        cdef Frame frame
        if type(data) is bytes:
            if copy and PyBytes_GET_SIZE(data) >= _BIG_COPY:
                # bytes never change, so a reference is as good as a copy and spares a
                # malloc+memcpy per message. The copies of a burst (up to both HWMs of
                # big messages) are freed together when the receiver drains it; glibc
                # then trims the heap and the next burst page-faults every 4 KiB again
                # (green 64 KiB inproc: 17 faults and ~50 us a message, design-notes)
                _init_zerocopy(&msg, data, None)
                self._send_msg(&msg, flags)
                return _FINISHED_TRACKER if track else None
            if copy or (not track and PyBytes_GET_SIZE(data) < self.copy_threshold):
                self._send_copy(PyBytes_AS_STRING(data), PyBytes_GET_SIZE(data), flags)
                return _FINISHED_TRACKER if track else None
        elif isinstance(data, Frame):
            frame = <Frame>data
            if track and frame.tracker is None:
                raise ValueError("track=True needs a tracked Frame (Frame(data, track=True))")
            if copy:
                self._send_copy(<char *>zmq_msg_data(&frame.zmq_msg),
                                zmq_msg_size(&frame.zmq_msg), flags)
            else:
                zmq_msg_init(&msg)
                _check_rc(zmq_msg_copy(&msg, &frame.zmq_msg))
                self._send_msg(&msg, flags)
            return frame.tracker if track else None
        elif isinstance(data, str):
            raise TypeError("str cannot be sent as bytes: use send_string() (or encode it)")
        elif not PyObject_CheckBuffer(data):
            raise TypeError("cannot send %s: data must be bytes, a Frame or support the buffer "
                            "protocol" % type(data).__name__)
        if copy:
            PyObject_GetBuffer(data, &view, PyBUF_ANY_CONTIGUOUS)
            try:
                self._send_copy(<char *>view.buf, view.len, flags)
            finally:
                PyBuffer_Release(&view)
            return _FINISHED_TRACKER if track else None
        if not track:
            PyObject_GetBuffer(data, &view, PyBUF_ANY_CONTIGUOUS)
            try:
                if view.len < self.copy_threshold:
                    self._send_copy(<char *>view.buf, view.len, flags)
                    return None
            finally:
                PyBuffer_Release(&view)
            flag = None
        else:
            flag = _Flag()
        _init_zerocopy(&msg, data, flag)
        self._send_msg(&msg, flags)
        if track:
            return MessageTracker(flag)
        return None

    def send(self, data, int flags=0, bint copy=True, bint track=False, routing_id=None,
             group=None):
        """Send one frame.

        Parameters
        ----------
        data : bytes, Frame or buffer
            The content; str is refused (use send_string).
        flags : int
            NOBLOCK (raise Again instead of waiting) and/or SNDMORE.
        copy : bool
            False sends without copying (above ``copy_threshold``); the buffer must not
            change until libzmq is done with it.
        track : bool
            Return a MessageTracker that turns done when libzmq releases the buffer.

        Returns
        -------
        MessageTracker or None
        """
        _open(self)
        if routing_id is not None or group is not None:
            raise ZMQError(ENOTSUP, "routing_id/group need libzmq's draft API")
        return self._send_obj(data, flags, copy, track)

    cpdef _engine_send(self, data, int flags, bint copy, bint track):
        """send() without its draft-API arguments: the compiled wait engine's entry (cpdef:
        a C call from there, where send() would be a Python call with argument parsing)."""
        _open(self)
        return self._send_obj(data, flags, copy, track)

    def send_multipart(self, msg_parts, int flags=0, bint copy=True, bint track=False, **kwargs):
        """Send a multipart message atomically; every part is checked before any is sent.

        Returns the MessageTracker of the last frame when ``track`` (else None).
        """
        cdef Py_ssize_t i, n
        cdef int rest = flags & ~ZMQ_DONTWAIT
        _open(self)
        if not isinstance(msg_parts, (list, tuple)):
            msg_parts = list(msg_parts)
        n = len(msg_parts)
        if n == 0:
            raise ValueError("send_multipart needs at least one frame")
        for i in range(n):
            part = msg_parts[i]
            if type(part) is bytes or isinstance(part, Frame):
                continue
            if isinstance(part, str) or not PyObject_CheckBuffer(part):
                raise TypeError("frame %d (%s) is not bytes-like%s" % (
                    i, type(part).__name__,
                    ": use send_string or encode it" if isinstance(part, str) else ""))
        # libzmq accepts the rest of a message once its first frame is in, so only the
        # first frame may say EAGAIN; the others never block in practice
        for i in range(n - 1):
            self._send_obj(msg_parts[i], (flags if i == 0 else rest) | ZMQ_SNDMORE, copy, track)
        return self._send_obj(msg_parts[n - 1], flags if n == 1 else rest, copy, track)

    # --- recv ------------------------------------------------------------------------------

    cdef object _recv_one(self, int flags, bint copy):
        cdef zmq_msg_t msg
        cdef int err
        cdef Frame frame
        zmq_msg_init(&msg)
        if zmq_msg_recv(&msg, self.handle, flags | ZMQ_DONTWAIT) < 0:
            err = c_zmq_errno()
            try:
                if err != EAGAIN or flags & ZMQ_DONTWAIT:
                    _raise(err)
                _sockop_block(self, _OP_MSG_RECV, NULL, 0, &msg, flags, ZMQ_POLLIN, True)
            except BaseException:
                zmq_msg_close(&msg)
                raise
        # RCVMORE of this frame, read off the message (recv_multipart's loop test: a
        # getsockopt call per frame cost ~5% of a 5-frame message)
        self._more = zmq_msg_more(&msg)
        if copy:
            try:
                return _msg_bytes(&msg)
            finally:
                zmq_msg_close(&msg)
        frame = Frame.__new__(Frame)
        zmq_msg_move(&frame.zmq_msg, &msg)
        zmq_msg_close(&msg)
        frame.more = self._more
        return frame

    def recv(self, int flags=0, bint copy=True, bint track=False):
        """Receive one frame: bytes, or a Frame when ``copy=False``.

        With NOBLOCK, raise Again when nothing is waiting; blocking calls honour RCVTIMEO.
        """
        _open(self)
        return self._recv_one(flags, copy)

    cpdef _engine_recv(self, int flags, bint copy):
        """recv() for the compiled wait engine (see _engine_send)."""
        _open(self)
        return self._recv_one(flags, copy)

    def recv_multipart(self, int flags=0, bint copy=True, bint track=False):
        """Receive every frame of one message as a list (bytes, or Frames when copy=False)."""
        _open(self)
        parts = [self._recv_one(flags, copy)]
        flags &= ~ZMQ_DONTWAIT
        while self._more:
            parts.append(self._recv_one(flags, copy))
        return parts

    def recv_into(self, buffer, int nbytes=0, int flags=0):
        """Receive one frame into a writable buffer; returns the frame's full size.

        If that is larger than ``nbytes`` (default: the buffer's size) the data was truncated.
        """
        cdef Py_buffer view
        cdef int rc, err = 0
        cdef size_t n
        _open(self)
        if nbytes < 0:
            raise ValueError("nbytes must be >= 0, not %d" % nbytes)
        PyObject_GetBuffer(buffer, &view, PyBUF_ANY_CONTIGUOUS | PyBUF_WRITABLE)
        try:
            n = view.len
            if nbytes:
                if <size_t>nbytes > n:
                    raise ValueError("nbytes=%d exceeds the buffer's %d bytes" % (nbytes, n))
                n = nbytes
            rc = zmq_recv(self.handle, view.buf, n, flags | ZMQ_DONTWAIT)
            if rc < 0:
                err = c_zmq_errno()
                if err != EAGAIN or flags & ZMQ_DONTWAIT:
                    _raise(err)
                rc = _sockop_block(self, _OP_RECV, view.buf, n, NULL, flags, ZMQ_POLLIN, True)
            return rc
        finally:
            PyBuffer_Release(&view)

    # --- poll ------------------------------------------------------------------------------

    def poll(self, timeout=None, int flags=ZMQ_POLLIN):
        """Wait up to ``timeout`` ms (None: forever) for ``flags``; return the events ready."""
        self._check_open()
        res = zmq_poll([(self, flags)], timeout)
        return res[0][1] if res else 0


cdef str _socket_type_name(int t):
    names = ("PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB",
             "XSUB", "STREAM")
    return names[t] if 0 <= t < len(names) else str(t)
