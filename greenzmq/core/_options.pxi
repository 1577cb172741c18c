# Socket option types, looked up by option number (filled from greenzmq.constants).

DEF _T_INT = 0
DEF _T_INT64 = 1
DEF _T_BYTES = 2
DEF _T_FD = 3
DEF _NOPTS = 256

cdef unsigned char _opt_type[_NOPTS]
cdef unsigned char _opt_string[_NOPTS]  # 1: NUL-terminated text, 2: CURVE key (z85 text)
cdef int _i
for _i in range(_NOPTS):
    _opt_type[_i] = _T_INT
    _opt_string[_i] = 0
for _k, _v in _OPTION_TYPES.items():
    _opt_type[_k] = int(_v)
for _k in _STRING_OPTIONS:
    _opt_string[_k] = 1
for _k in _CURVE_KEY_OPTIONS:
    _opt_string[_k] = 2


cdef inline int _opt_kind(int option, object optval=None) except -1:
    """The option's value type; an option number outside the tables is EINVAL (as libzmq
    says for an unknown option; libzmq itself crashes on some), never an index past them.
    As in pyzmq, an unknown option is an int option: a non-int ``optval`` is TypeError."""
    if option < 0 or option >= _NOPTS:
        if optval is not None and not isinstance(optval, int):
            raise TypeError("option %d needs an int, not %s" % (option, type(optval).__name__))
        raise ZMQError(EINVAL, "Invalid argument (unknown socket option %d)" % option)
    return _opt_type[option]
