# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""greenzmq's one extension module: the libzmq binding (see the .pxi parts)."""
from greenzmq.core.libzmq cimport *

include "_util.pxi"
include "_frame.pxi"
include "_context.pxi"
include "_socket.pxi"
include "_poll.pxi"
include "_proxy.pxi"
include "_misc.pxi"
include "_monitoredqueue.pxi"

# the errors module formats messages with these, without importing us at call time
_error._strerror = strerror
_error._zmq_errno = zmq_errno
