# cdef classes of the one extension module (see _zmq.pyx and its .pxi parts).
from cpython.pythread cimport PyThread_type_lock
from greenzmq.core.libzmq cimport zmq_msg_t


cdef class _Flag:
    cdef int done


cdef class MessageTracker:
    cdef list _flags
    cdef list _events
    cdef list _trackers

    cdef bint _done(self)


cdef class Frame:
    cdef zmq_msg_t zmq_msg
    cdef object _data
    cdef object _bytes
    cdef public bint more
    cdef public object tracker
    cdef int _nbuffers


cdef class Context:
    cdef void *handle
    cdef readonly bint _shadow      # readable from Python: pyzmq's ctx._shadow
    cdef int _pid
    # WeakSet of its sockets (the sugar's __exit__ warns per open one)
    cdef readonly object _sockets
    cdef object __weakref__
    cdef int _sched_policy
    cdef int _thread_priority
    cdef object _cpus
    cdef int _state
    cdef PyThread_type_lock _term_lock
    cdef dict _inproc_bound
    cdef dict _inproc_pending
    # sockets closed with LINGER -1: how many, how many of those after close(linger) was
    # refused, the last one's repr (what an interrupted term() may have waited for)
    cdef int _nforever
    cdef int _nrefused
    cdef object _last_forever

    cdef int _check_open(self) except -1
    cdef _closed_forever(self, Socket s)
    cdef _explain_wait(self, BaseException exc)


cdef class Socket:
    cdef void *handle
    cdef readonly bint _shadow      # readable from Python: pyzmq's socket._shadow
    cdef int _pid
    cdef int _busy          # calls blocked in this socket (see _blocking.pxi)
    cdef int _wakefd        # wake-up eventfd of blocked calls, -1 until the first one
    cdef void *_handoff     # the handle close() left for the last blocked call to close
    cdef bint _close_on_return
    cdef bint _has_endpoint
    cdef bint _lockstep
    cdef bint _more         # RCVMORE of the last frame _recv_one took
    cdef int _linger        # LINGER as last set (libzmq stops telling once term() starts)
    cdef bint _linger_refused   # close(linger) came too late to set it (see Socket.close)
    cdef readonly int socket_type
    cdef public object context
    cdef public Py_ssize_t copy_threshold
    # the wait engine's per-socket state (greenzmq._green._State) on green and asyncio
    # sockets, None on plain ones: a slot, so the compiled engine reads it as a C field
    cdef public object _gs
    cdef object __weakref__

    cdef int _check_open(self) except -1
    cdef int _blocking_done(self) except -1
    cdef int _check_endpoint(self, bytes addr) except -1
    cdef int _send_copy(self, const char *buf, size_t n, int flags) except -1
    cdef int _send_msg(self, zmq_msg_t *msg, int flags) except -1
    cdef object _send_obj(self, object data, int flags, bint copy, bint track)
    cdef object _recv_one(self, int flags, bint copy)
    cpdef _engine_send(self, data, int flags, bint copy, bint track)
    cpdef _engine_recv(self, int flags, bint copy)


# for the compiled cooperative layers (greenzmq/_compiled.py): C calls there, plain
# functions from Python
cpdef unsigned long _thread_ident() noexcept
cpdef object _call_kw(object fn, dict kw)
