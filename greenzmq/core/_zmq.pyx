# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""greenzmq's one extension module: the libzmq binding (see the .pxi parts)."""
from cpython.bytes cimport PyBytes_FromStringAndSize, PyBytes_AS_STRING, PyBytes_GET_SIZE
from cpython.buffer cimport (
    PyObject_GetBuffer, PyBuffer_Release, PyBUF_ANY_CONTIGUOUS, PyBUF_WRITABLE, PyBuffer_FillInfo,
    PyObject_CheckBuffer,
)
cimport cython
from cpython.exc cimport PyErr_CheckSignals
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF, Py_XDECREF
from libc.errno cimport EAGAIN, EINTR, EINVAL, EBUSY, ENOMEM
from libc.stdlib cimport malloc, free, realloc
from libc.string cimport memcpy

from greenzmq.core.libzmq cimport *
from greenzmq.core._externs cimport *

cdef extern from "errno.h":
    enum: ENOTSOCK, ENOTSUP, EPROTONOSUPPORT, EADDRINUSE, EMFILE

import weakref as _weakref
import warnings as _warnings

from greenzmq import error as _error
from greenzmq.error import ZMQError, Again, ContextTerminated, InterruptedSystemCall, NotDone
from greenzmq.constants import (
    OPTION_TYPES as _OPTION_TYPES, STRING_OPTIONS as _STRING_OPTIONS,
    CURVE_KEY_OPTIONS as _CURVE_KEY_OPTIONS,
)

include "_errors.pxi"
include "_options.pxi"
include "_zerocopy.pxi"
include "_frame.pxi"
include "_context.pxi"
include "_blocking.pxi"
include "_socket.pxi"
include "_inproc.pxi"
include "_poll.pxi"
include "_relay.pxi"
include "_proxy.pxi"
include "_misc.pxi"

# the errors module formats messages with these, without importing us at call time
_error._strerror = strerror
_error._zmq_errno = zmq_errno
