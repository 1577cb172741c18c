# proxy, proxy_steerable, device and monitored_queue: the relay core (_relay.pxi) run in the
# calling thread with the GIL released. Not libzmq's zmq_proxy/zmq_proxy_steerable: 4.3.4's
# steerable proxy aborts the process on an unknown command and leaves a REP control socket
# without a reply, and neither can be woken by close() from another thread.


def proxy(Socket frontend not None, Socket backend not None, Socket capture=None):
    """Forward messages between frontend and backend (copying each to capture) until an
    error: ContextTerminated when the context is terminated. Releases the GIL."""
    _Relay(frontend, backend, capture).run()


def proxy_steerable(Socket frontend not None, Socket backend not None, Socket capture=None,
                    Socket control=None):
    """proxy() that obeys PAUSE, RESUME, TERMINATE and STATISTICS on ``control``.

    A REP control socket gets an empty reply to PAUSE, RESUME and TERMINATE (as libzmq
    4.3.5 does) and ``b"ERROR"`` to anything else (a command is one frame: more frames make
    it unknown); other control types get no reply and unknown commands are ignored.
    STATISTICS replies with 8 native-endian uint64 frames: frontend messages in, bytes in,
    messages out, bytes out, then the same four for the backend (a multipart message counts
    once); the reply is dropped when the control socket cannot take it. Without ``control``
    it is proxy(). Releases the GIL.

    Returns
    -------
    int
        0, when TERMINATE arrives. Other ends raise (ContextTerminated on term()).
    """
    return _Relay(frontend, backend, capture, control).run()


def device(int device_type, Socket frontend not None, Socket backend not None):
    """The old device API: QUEUE, FORWARDER or STREAMER, all run as proxy()."""
    if device_type not in (1, 2, 3):
        raise ValueError("device_type must be QUEUE, FORWARDER or STREAMER, not %r" % device_type)
    _Relay(frontend, backend).run()


def monitored_queue(Socket in_socket not None, Socket out_socket not None,
                    Socket mon_socket not None, in_prefix=b"in", out_prefix=b"out"):
    """Forward messages both ways between in_socket and out_socket, and copy each one to
    mon_socket as ``[prefix, *frames]`` (``in_prefix`` for messages that arrived on
    in_socket, ``out_prefix`` for the others).

    With ROUTER on both sides, the first two frames (sender and recipient routing ids) are
    swapped on the way through. Runs with the GIL released until an error, which it raises
    (ContextTerminated when the context is terminated).
    """
    swap = in_socket.socket_type == ZMQ_ROUTER and out_socket.socket_type == ZMQ_ROUTER
    _Relay(in_socket, out_socket, mon_socket, None, (in_prefix, out_prefix), swap).run()
