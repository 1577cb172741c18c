# Augments greenzmq/_green.py when setup.py compiles it into greenzmq._green_c (gevent's
# way: the .py stays the one readable source; this file only adds C types). The waiter
# and the per-socket state become extension types with C fields, the socket's fast paths
# read them as C fields, and the calls made per wait become C calls. What Python code
# imports from _green stays a Python object (cpdef functions, public fields).
cimport cython
from greenzmq.core._zmq cimport Socket as _CSocket

# constants and imported callables as C globals (the pure module keeps the same names
# for the modules that import them)
cdef int NOBLOCK, SNDMORE, RCVMORE, POLLIN, POLLOUT
cdef object _c_recv, _c_send, _c_recv_multipart, _c_recv_into, _c_getsockopt
cdef object getcurrent, index


cdef class _Waiter:
    cdef public object glet
    cdef public object reason
    cdef public bint parked

    cpdef bint resume(self, reason, hub)


cpdef _resume(_Waiter w, reason)
cpdef _resume_soon(hub, _Waiter w, reason)
cpdef _switch_if_parked(_Waiter w)
cpdef _park(hub, _Waiter w, deadline)


cdef class _State:
    cdef public object ref
    cdef public object hub
    cdef public list rq
    cdef public list sq
    cdef public dict polls
    cdef public Py_ssize_t nwait
    cdef public object watcher
    cdef public object wloop
    cdef public object wtid
    cdef public bint watching
    cdef public bint closed
    cdef public object sowner
    cdef public object ext

    cpdef watch(self)
    cpdef unwatch(self)
    cpdef poke(self)

    @cython.locals(moved=bint)
    cpdef wake(self, long ev, hub)
    cpdef leave(self)
    cpdef close(self)


cpdef _on_fd(_State st)


@cython.locals(st=_State, q=list, w=_Waiter, tried=bint, spin=bint, mask=long, ev=long)
cpdef _wait_op(sock, int d, fn, tuple args)


cdef _hand_on(_State st)


# the socket's fast paths (Socket takes them as methods): the state is a C field, the
# flags a C int
@cython.locals(st=_State, f=int)
cpdef _recv(_CSocket self, flags=*, copy=*, track=*)


@cython.locals(st=_State, f=int)
cpdef _recv_multipart(_CSocket self, flags=*, copy=*, track=*)


@cython.locals(st=_State, f=int)
cpdef _recv_into(_CSocket self, buffer, nbytes=*, flags=*)


@cython.locals(st=_State, f=int)
cpdef _send(_CSocket self, data, flags=*, copy=*, track=*, routing_id=*, group=*)
