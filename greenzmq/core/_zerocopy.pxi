# Zero-copy sends: pin the buffer for libzmq, release it later (see include/gz_release.h).

#: below this many bytes, copy=False still copies (pyzmq's default)
COPY_THRESHOLD = 65536
cdef Py_ssize_t _copy_threshold = COPY_THRESHOLD

cdef bint _drainer_started = False
cdef int _drainer_pid = 0


cdef object _release_hook = None


def _set_release_hook(hook):
    """Have ``hook()`` called (GIL held, in whichever thread drops them) after zero-copy
    buffers were released; the green engine wakes tracker waits with it. None: no hook."""
    global _release_hook
    _release_hook = hook


cdef void _release(gz_hint *h) noexcept:
    cdef gz_hint *nxt
    cdef bint released = h != NULL
    while h != NULL:
        nxt = h.next
        if h.has_view:
            PyBuffer_Release(&h.view)
        Py_XDECREF(h.owner)
        Py_XDECREF(h.flag)
        free(h)
        h = nxt
    if released and _release_hook is not None:
        _release_hook()  # an error in it is reported as unraisable


cdef void _drainer(void *arg) noexcept nogil:
    cdef gz_hint *h
    while True:
        h = gz_take(1)
        with gil:
            _release(h)


cdef void _atfork_child() noexcept nogil:
    gz_atfork_child()


pthread_atfork(NULL, NULL, _atfork_child)


cdef inline void _drain_now() noexcept:
    if gz_has_pending():
        _release(gz_take(0))


cdef int _ensure_drainer() except -1:
    global _drainer_started, _drainer_pid
    cdef int pid = getpid()
    if not _drainer_started or _drainer_pid != pid:
        # a real OS thread even after monkey patching: the C API, not the threading module
        if PyThread_start_new_thread(_drainer, NULL) == <unsigned long>-1:
            raise RuntimeError("cannot start the zero-copy release thread")
        _drainer_started = True
        _drainer_pid = pid
    return 0


cdef gz_hint *_new_hint(object data, _Flag flag) except NULL:
    """Pin data's buffer for libzmq; the hint is freed by _release once libzmq is done."""
    cdef gz_hint *h = <gz_hint *>malloc(sizeof(gz_hint))
    if h == NULL:
        raise MemoryError()
    h.owner = NULL
    h.has_view = 0
    h.done_ptr = NULL
    h.flag = NULL
    h.next = NULL
    try:
        PyObject_GetBuffer(data, &h.view, PyBUF_ANY_CONTIGUOUS)
    except BaseException:
        free(h)
        raise
    h.has_view = 1
    h.owner = <PyObject *>data
    Py_INCREF(data)
    if flag is not None:
        h.flag = <PyObject *>flag
        Py_INCREF(flag)
        h.done_ptr = &flag.done
    return h


cdef int _init_zerocopy(zmq_msg_t *msg, object data, _Flag flag) except -1:
    cdef gz_hint *h
    _ensure_drainer()
    _drain_now()
    h = _new_hint(data, flag)
    if zmq_msg_init_data(msg, h.view.buf, <size_t>h.view.len, gz_free, h) < 0:
        _release(h)
        _raise(c_zmq_errno())
    return 0
