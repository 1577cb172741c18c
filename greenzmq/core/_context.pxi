# Context: owns the libzmq context and a weak registry of its sockets.
import atexit as _atexit

cdef bint _exiting = False


def _at_exit():
    global _exiting
    _exiting = True


_atexit.register(_at_exit)


cdef void _term_in_thread(void *handle) noexcept nogil:
    while zmq_ctx_term(handle) != 0 and c_zmq_errno() == EINTR:
        pass


cdef class Context:
    """A libzmq context (core class; ``greenzmq.Context`` adds pyzmq's conveniences).

    Parameters
    ----------
    io_threads : int
        Number of libzmq IO threads.
    shadow : int, optional
        Address of an existing libzmq context to wrap without owning it.
    """

    def __init__(self, io_threads=1, shadow=0):
        if self.handle != NULL:
            return
        self._pid = getpid()
        self._sockets = _weakref.WeakSet()
        if shadow:
            self.handle = <void *><size_t>shadow
            self._shadow = True
            return
        if not isinstance(io_threads, int):
            raise TypeError("io_threads must be an int, not %s" % type(io_threads).__name__)
        if io_threads < 0:
            raise ValueError("io_threads must be >= 0, not %d" % io_threads)
        self.handle = zmq_ctx_new()
        if self.handle == NULL:
            _raise(c_zmq_errno())
        if io_threads != 1:
            _check_rc(zmq_ctx_set(self.handle, ZMQ_IO_THREADS, io_threads))

    def __dealloc__(self):
        # never block the garbage collector: term (which may wait for lingering messages)
        # runs in its own thread; at interpreter exit, libzmq's threads just end with us
        if self.handle != NULL and not self._shadow and self._pid == getpid() and not _exiting:
            PyThread_start_new_thread(<void (*)(void *) noexcept>_term_in_thread, self.handle)
        self.handle = NULL

    @property
    def underlying(self):
        """The address of the libzmq context, for ``Context.shadow`` elsewhere."""
        return <size_t>self.handle

    @property
    def closed(self):
        """True once term() or destroy() ran."""
        return self.handle == NULL

    cdef int _check_open(self) except -1:
        if self.handle == NULL:
            raise ContextTerminated(ETERM, "the context is terminated")
        return 0

    def set(self, int option, int optval):
        """Set a context option (IO_THREADS, MAX_SOCKETS, IPV6, BLOCKY, ...)."""
        self._check_open()
        _check_rc(zmq_ctx_set(self.handle, option, optval))

    def get(self, int option):
        """Get a context option (IO_THREADS, MAX_SOCKETS, SOCKET_LIMIT, ...)."""
        cdef int rc
        self._check_open()
        rc = zmq_ctx_get(self.handle, option)
        if rc < 0:
            _raise(c_zmq_errno())
        return rc

    def term(self):
        """Terminate the context, waiting (GIL released) for sockets to close and linger.

        Sockets blocked in libzmq calls get ContextTerminated; their owners must close them.
        """
        cdef void *h = self.handle
        cdef int rc = 0, err = 0
        if h == NULL:
            return
        if self._shadow or self._pid != getpid():
            self.handle = NULL  # not ours to term (shadow, or inherited over fork)
            return
        while True:
            with nogil:
                rc = zmq_ctx_term(h)
                if rc != 0:
                    err = c_zmq_errno()
            if rc == 0 or err != EINTR:
                break
            PyErr_CheckSignals()
        self.handle = NULL
        if rc != 0:
            _raise(err)

    def destroy(self, linger=None):
        """Close every socket of this context (with ``linger`` if given), then term().

        Sockets blocked in another thread are woken with ContextTerminated and closed
        by that thread as its call returns.
        """
        cdef Socket s
        cdef bint busy = False
        if self.handle == NULL:
            return
        for obj in list(self._sockets):
            s = <Socket>obj
            if s.handle == NULL:
                continue
            if s._busy:
                s._close_on_return = True
                busy = True
                continue
            if linger is not None:
                s.setsockopt(ZMQ_LINGER, linger)
            obj.close()
        if busy:
            zmq_ctx_shutdown(self.handle)
        self.term()

    def _socket_count(self):
        return len([1 for s in self._sockets if (<Socket>s).handle != NULL])
