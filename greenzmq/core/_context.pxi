# Context: owns the libzmq context and a weak registry of its sockets.
import atexit as _atexit
from cpython.pythread cimport (
    PyThread_allocate_lock, PyThread_free_lock, PyThread_release_lock, PY_LOCK_INTR,
)

cdef extern from "pythread.h":
    int PyThread_acquire_lock_timed(PyThread_type_lock, long long microseconds,
                                    int intr_flag) nogil

# Context._state: the one owner of the libzmq handle is the Context object; its state says
# what may still be done with the handle.
DEF _CTX_OPEN = 0         # handle valid: every call
# zmq_ctx_term started (it may be running, or was interrupted): only term()/destroy() may
# touch the handle, one call at a time
DEF _CTX_TERMINATING = 1
# handle == NULL: terminated (freed by libzmq) or never ours; nothing touches it

cdef bint _exiting = False


def _at_exit():
    global _exiting
    _exiting = True


_atexit.register(_at_exit)


cdef void _term_in_thread(void *handle) noexcept nogil:
    while zmq_ctx_term(handle) != 0 and c_zmq_errno() == EINTR:
        pass


cdef int _check_io_threads(int n) except -1:
    # libzmq asserts when it cannot start its IO threads
    if not 0 <= n <= 256:
        raise ValueError("io_threads must be between 0 and 256, not %d" % n)
    return 0


cdef bint _drained_for_dealloc(Context ctx):
    """Attach the pending inproc connections before a garbage-collected context is termed."""
    try:
        _inproc_before_term(ctx)
    except ZMQError:
        return False  # no socket can be made now (MAX_SOCKETS, fd limit, shut down)
    return True


# no_gc_clear: the inproc notes must still be there when __dealloc__ runs (a context in a
# reference cycle); its own attributes hold nothing that could close a cycle
@cython.no_gc_clear
cdef class Context:
    """A libzmq context (core class; ``greenzmq.Context`` adds pyzmq's conveniences).

    Parameters
    ----------
    io_threads : int
        Number of libzmq IO threads.
    shadow : int, optional
        Address of an existing libzmq context to wrap without owning it.
    """

    def __cinit__(self, *args, **kwargs):
        # held by the thread inside zmq_ctx_term: a second term() waits for it instead of
        # calling zmq_ctx_term on a context that the first may be freeing
        self._term_lock = PyThread_allocate_lock()
        if self._term_lock == NULL:
            raise MemoryError()
        self._inproc_bound = {}    # see _inproc.pxi
        self._inproc_pending = {}

    def __init__(self, io_threads=1, shadow=0):
        if self.handle != NULL:
            return
        self._pid = getpid()
        self._sockets = _weakref.WeakSet()
        if shadow:
            self.handle = <void *><size_t>shadow
            self._shadow = True
            return
        self._sched_policy = self._thread_priority = -1
        self._cpus = set()
        if not isinstance(io_threads, int):
            raise TypeError("io_threads must be an int, not %s" % type(io_threads).__name__)
        _check_io_threads(io_threads)
        self.handle = zmq_ctx_new()
        if self.handle == NULL:
            _raise(c_zmq_errno())
        if io_threads != 1:
            _check_rc(zmq_ctx_set(self.handle, ZMQ_IO_THREADS, io_threads))

    def __dealloc__(self):
        # never block the garbage collector: term (which may wait for lingering messages)
        # runs in its own thread; at interpreter exit, libzmq's threads just end with us
        # (an interrupted term() left the handle valid: libzmq allows restarting the term)
        # (pending inproc connections that no socket can attach now, e.g. a destroy() that
        # raised EMFILE at MAX_SOCKETS, would make libzmq's term abort in ctx.cpp:169: the
        # context is then left alone, its threads live on, rather than termed)
        if (self.handle != NULL and not self._shadow and self._pid == getpid() and not _exiting
                and (not self._inproc_pending or _drained_for_dealloc(self))):
            PyThread_start_new_thread(<void (*)(void *) noexcept>_term_in_thread, self.handle)
        self.handle = NULL
        if self._term_lock != NULL:
            PyThread_free_lock(self._term_lock)
            self._term_lock = NULL

    @property
    def underlying(self):
        """The address of the libzmq context, for ``Context.shadow`` elsewhere."""
        return <size_t>self.handle

    @property
    def closed(self):
        """True once term() or destroy() ran."""
        return self.handle == NULL

    @property
    def _terminating(self):
        """True once term() started and has not finished (running, or interrupted)."""
        return self.handle != NULL and self._state == _CTX_TERMINATING

    cdef int _check_open(self) except -1:
        # a terminating context makes no sockets and takes no options (libzmq says ETERM
        # too); checking here, with the GIL held, also keeps every such call away from a
        # handle that a term() running in another thread is about to free
        if self.handle == NULL:
            raise ContextTerminated(ETERM, "the context is terminated")
        if self._state == _CTX_TERMINATING:
            raise ContextTerminated(ETERM, "the context is terminating")
        return 0

    def set(self, int option, int optval):
        """Set a context option (IO_THREADS, MAX_SOCKETS, IPV6, BLOCKY, ...).

        Values that would make libzmq abort when it starts its IO threads (a scheduling
        policy, priority or CPU the system refuses, absurd thread or socket counts) raise
        instead.
        """
        cdef int policy, priority, err, n, i
        cdef int cpus[1024]
        self._check_open()
        if option == ZMQ_IO_THREADS:
            _check_io_threads(optval)
        elif option == ZMQ_MAX_SOCKETS:
            if not 1 <= optval <= zmq_ctx_get(self.handle, ZMQ_SOCKET_LIMIT):
                raise ValueError("MAX_SOCKETS must be between 1 and SOCKET_LIMIT (%d), not %d"
                                 % (zmq_ctx_get(self.handle, ZMQ_SOCKET_LIMIT), optval))
        elif option in (ZMQ_THREAD_SCHED_POLICY, ZMQ_THREAD_PRIORITY,
                        ZMQ_THREAD_AFFINITY_CPU_ADD, ZMQ_THREAD_AFFINITY_CPU_REMOVE):
            policy, priority = self._sched_policy, self._thread_priority
            new_cpus = set(self._cpus)
            if option == ZMQ_THREAD_SCHED_POLICY:
                policy = optval
            elif option == ZMQ_THREAD_PRIORITY:
                priority = optval
            elif not 0 <= optval < 1024:
                raise ValueError("CPU number must be between 0 and 1023, not %d" % optval)
            elif option == ZMQ_THREAD_AFFINITY_CPU_ADD:
                new_cpus.add(optval)
            else:
                new_cpus.discard(optval)
            n = len(new_cpus)
            for i, cpu in enumerate(sorted(new_cpus)):
                cpus[i] = cpu
            with nogil:
                err = gz_probe_sched(policy, priority, cpus, n)
            if err:
                raise ZMQError(err, "%s: this scheduling policy %d / priority %d / CPU set %s "
                                    "is refused by the system (libzmq would abort)"
                               % (strerror(err), policy, priority, sorted(new_cpus) or "all"))
            self._sched_policy, self._thread_priority, self._cpus = policy, priority, new_cpus
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
        A second term() while one runs in another thread waits for that one; a term()
        interrupted by an exception from a signal handler leaves the context terminating
        (no new sockets) and may be called again.
        """
        cdef int rc = 0, err = 0, got
        if self.handle == NULL:
            return
        if self._shadow or self._pid != getpid():
            self.handle = NULL  # not ours to term (shadow, or inherited over fork)
            return
        if self._state == _CTX_OPEN and self._inproc_pending:
            _inproc_before_term(self)  # (raises EMFILE rather than let libzmq abort)
        self._state = _CTX_TERMINATING
        while True:  # wait for a term() running in another thread (Ctrl-C still works)
            with nogil:
                got = PyThread_acquire_lock_timed(self._term_lock, -1, 1)
            if got != PY_LOCK_INTR:
                break
            try:
                PyErr_CheckSignals()
            except BaseException as e:
                self._explain_wait(e)
                raise
        try:
            if self.handle == NULL:
                return  # the other term() finished the job
            while True:
                with nogil:
                    rc = zmq_ctx_term(self.handle)
                    if rc != 0:
                        err = c_zmq_errno()
                if rc == 0:
                    self.handle = NULL  # freed by libzmq
                    return
                if err != EINTR:
                    _raise(err)
                try:
                    PyErr_CheckSignals()
                except BaseException as e:
                    self._explain_wait(e)
                    raise
        finally:
            PyThread_release_lock(self._term_lock)

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
            if linger is not None:
                # busy sockets too (their thread closes them when woken, and a socket of a
                # shut-down context refuses options): without it term() waits forever for
                # their unsent messages. libzmq 4.3 keeps LINGER atomic for this.
                try:
                    s.setsockopt(ZMQ_LINGER, linger)
                except ContextTerminated:
                    s._linger_refused = True  # an interrupted term() stopped it already
            if s._busy:
                s._close_on_return = True
                busy = True
                continue
            obj.close()
        if busy and self._state == _CTX_OPEN:
            if self._inproc_pending:
                _inproc_before_term(self)  # (a shut-down context makes no sockets)
            zmq_ctx_shutdown(self.handle)  # (a terminating context has stopped its sockets)
            self._state = _CTX_TERMINATING
        self.term()

    cdef _closed_forever(self, Socket s):
        self._nforever += 1
        self._nrefused += s._linger_refused
        self._last_forever = "%r%s" % (s, " (a LINGER it was given came too late)"
                                       if s._linger_refused else "")

    cdef _explain_wait(self, BaseException exc):
        """Say on an exception that interrupted term() what it may have waited for."""
        if not self._nforever or not hasattr(exc, "add_note"):
            return
        exc.add_note(
            "term() was waiting for this context's sockets. Closed with LINGER -1 (forever): "
            "%d, whose unsent messages wait for a peer that may never come (the last: %s).%s "
            "Give sockets a LINGER (Context.linger for new ones) before closing them and "
            "before term() starts (docs/faults.rst)."
            % (self._nforever, self._last_forever,
               " Given a LINGER too late: %d (after they had seen the context terminate, "
               "libzmq refuses options)." % self._nrefused if self._nrefused else ""))

    def _socket_count(self):
        return len([1 for s in self._sockets if (<Socket>s).handle != NULL])
