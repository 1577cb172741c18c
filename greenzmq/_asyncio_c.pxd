# Augments greenzmq/asyncio.py when setup.py compiles it into greenzmq._asyncio_c, as
# _green_c.pxd does for the engine (the .py stays the one readable source). The loop
# cache becomes an extension type with C fields, and the hot paths read it, the engine's
# per-socket state and the flags as C values. It runs only with the compiled engine,
# whose _State it types.
cimport cython
from greenzmq._green_c cimport _State as _CState
from greenzmq.core._zmq cimport Socket as _CSocket, _call_kw, _thread_ident

# constants and imported callables as C globals (the pure module keeps the same names)
cdef int NOBLOCK, RCVMORE
cdef object _Future, _set_result, index
cdef object _c_recv, _c_send, _c_recv_multipart, _c_send_multipart, _c_getsockopt


cdef class _Here:
    cdef public object loop
    cdef public object tid
    cdef public unsigned long ctid
    cdef public dict kw
    cdef public object sent


cdef object _running(_Here h)


@cython.locals(st=_CState, h=_Here, f=int)
cpdef _recv(_CSocket self, flags=*, copy=*, track=*)


@cython.locals(st=_CState, h=_Here, f=int)
cpdef _recv_multipart(_CSocket self, flags=*, copy=*, track=*)


@cython.locals(st=_CState, h=_Here, f=int)
cpdef _send(_CSocket self, data, flags=*, copy=*, track=*, routing_id=*, group=*)
