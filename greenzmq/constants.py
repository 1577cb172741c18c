"""Every libzmq constant (generated from zmq.h by tools/gen_constants.py), also as IntEnums."""
# ruff: noqa
from enum import IntEnum, IntFlag
import errno as _errno


class SocketType(IntEnum):
    """libzmq SocketType values."""

    PAIR = 0
    PUB = 1
    SUB = 2
    REQ = 3
    REP = 4
    DEALER = 5
    ROUTER = 6
    PULL = 7
    PUSH = 8
    XPUB = 9
    XSUB = 10
    STREAM = 11
    SERVER = 12
    CLIENT = 13
    RADIO = 14
    DISH = 15
    GATHER = 16
    SCATTER = 17
    DGRAM = 18
    PEER = 19
    CHANNEL = 20
    XREQ = 5
    XREP = 6


class SocketOption(IntEnum):
    """libzmq SocketOption values."""

    HWM = 1
    AFFINITY = 4
    ROUTING_ID = 5
    SUBSCRIBE = 6
    UNSUBSCRIBE = 7
    RATE = 8
    RECOVERY_IVL = 9
    SNDBUF = 11
    RCVBUF = 12
    RCVMORE = 13
    FD = 14
    EVENTS = 15
    TYPE = 16
    LINGER = 17
    RECONNECT_IVL = 18
    BACKLOG = 19
    RECONNECT_IVL_MAX = 21
    MAXMSGSIZE = 22
    SNDHWM = 23
    RCVHWM = 24
    MULTICAST_HOPS = 25
    RCVTIMEO = 27
    SNDTIMEO = 28
    LAST_ENDPOINT = 32
    ROUTER_MANDATORY = 33
    TCP_KEEPALIVE = 34
    TCP_KEEPALIVE_CNT = 35
    TCP_KEEPALIVE_IDLE = 36
    TCP_KEEPALIVE_INTVL = 37
    IMMEDIATE = 39
    XPUB_VERBOSE = 40
    ROUTER_RAW = 41
    IPV6 = 42
    MECHANISM = 43
    PLAIN_SERVER = 44
    PLAIN_USERNAME = 45
    PLAIN_PASSWORD = 46
    CURVE_SERVER = 47
    CURVE_PUBLICKEY = 48
    CURVE_SECRETKEY = 49
    CURVE_SERVERKEY = 50
    PROBE_ROUTER = 51
    REQ_CORRELATE = 52
    REQ_RELAXED = 53
    CONFLATE = 54
    ZAP_DOMAIN = 55
    ROUTER_HANDOVER = 56
    TOS = 57
    CONNECT_ROUTING_ID = 61
    GSSAPI_SERVER = 62
    GSSAPI_PRINCIPAL = 63
    GSSAPI_SERVICE_PRINCIPAL = 64
    GSSAPI_PLAINTEXT = 65
    HANDSHAKE_IVL = 66
    SOCKS_PROXY = 68
    XPUB_NODROP = 69
    BLOCKY = 70
    XPUB_MANUAL = 71
    XPUB_WELCOME_MSG = 72
    STREAM_NOTIFY = 73
    INVERT_MATCHING = 74
    HEARTBEAT_IVL = 75
    HEARTBEAT_TTL = 76
    HEARTBEAT_TIMEOUT = 77
    XPUB_VERBOSER = 78
    CONNECT_TIMEOUT = 79
    TCP_MAXRT = 80
    MULTICAST_MAXTPDU = 84
    VMCI_BUFFER_SIZE = 85
    VMCI_BUFFER_MIN_SIZE = 86
    VMCI_BUFFER_MAX_SIZE = 87
    VMCI_CONNECT_TIMEOUT = 88
    USE_FD = 89
    GSSAPI_PRINCIPAL_NAMETYPE = 90
    GSSAPI_SERVICE_PRINCIPAL_NAMETYPE = 91
    BINDTODEVICE = 92
    IDENTITY = 5
    CONNECT_RID = 61
    TCP_ACCEPT_FILTER = 38
    IPC_FILTER_PID = 58
    IPC_FILTER_UID = 59
    IPC_FILTER_GID = 60
    IPV4ONLY = 31
    DELAY_ATTACH_ON_CONNECT = 39
    FAIL_UNROUTABLE = 33
    ROUTER_BEHAVIOR = 33
    ZAP_ENFORCE_DOMAIN = 93
    LOOPBACK_FASTPATH = 94
    METADATA = 95
    MULTICAST_LOOP = 96
    ROUTER_NOTIFY = 97
    XPUB_MANUAL_LAST_VALUE = 98
    SOCKS_USERNAME = 99
    SOCKS_PASSWORD = 100
    IN_BATCH_SIZE = 101
    OUT_BATCH_SIZE = 102
    WSS_KEY_PEM = 103
    WSS_CERT_PEM = 104
    WSS_TRUST_PEM = 105
    WSS_HOSTNAME = 106
    WSS_TRUST_SYSTEM = 107
    ONLY_FIRST_SUBSCRIBE = 108
    RECONNECT_STOP = 109
    HELLO_MSG = 110
    DISCONNECT_MSG = 111
    PRIORITY = 112
    THREAD_SAFE = 81
    BUSY_POLL = 113
    HICCUP_MSG = 114
    XSUB_VERBOSE_UNSUBSCRIBE = 115
    TOPICS_COUNT = 116
    NORM_MODE = 117
    NORM_UNICAST_NACK = 118
    NORM_BUFFER_SIZE = 119
    NORM_SEGMENT_SIZE = 120
    NORM_BLOCK_SIZE = 121
    NORM_NUM_PARITY = 122
    NORM_NUM_AUTOPARITY = 123
    NORM_PUSH = 124


class ContextOption(IntEnum):
    """libzmq ContextOption values."""

    IO_THREADS = 1
    MAX_SOCKETS = 2
    SOCKET_LIMIT = 3
    THREAD_PRIORITY = 3
    THREAD_SCHED_POLICY = 4
    MAX_MSGSZ = 5
    MSG_T_SIZE = 6
    THREAD_AFFINITY_CPU_ADD = 7
    THREAD_AFFINITY_CPU_REMOVE = 8
    THREAD_NAME_PREFIX = 9
    ZERO_COPY_RECV = 10
    IPV6 = 42
    BLOCKY = 70


class MessageOption(IntEnum):
    """libzmq MessageOption values."""

    MORE = 1
    SHARED = 3
    SRCFD = 2


class Flag(IntFlag):
    """libzmq Flag values."""

    DONTWAIT = 0x1
    SNDMORE = 0x2
    NOBLOCK = 0x1


class PollEvent(IntFlag):
    """libzmq PollEvent values."""

    POLLIN = 0x1
    POLLOUT = 0x2
    POLLERR = 0x4
    POLLPRI = 0x8


class SecurityMechanism(IntEnum):
    """libzmq SecurityMechanism values."""

    NULL = 0
    PLAIN = 1
    CURVE = 2
    GSSAPI = 3


class Event(IntFlag):
    """libzmq Event values."""

    PROTOCOL_ERROR_ZMTP_UNSPECIFIED = 0x10000000
    PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND = 0x10000001
    PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE = 0x10000002
    PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE = 0x10000003
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED = 0x10000011
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE = 0x10000012
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO = 0x10000013
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE = 0x10000014
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR = 0x10000015
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY = 0x10000016
    PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME = 0x10000017
    PROTOCOL_ERROR_ZMTP_INVALID_METADATA = 0x10000018
    PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC = 0x11000001
    PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH = 0x11000002
    PROTOCOL_ERROR_ZAP_UNSPECIFIED = 0x20000000
    PROTOCOL_ERROR_ZAP_MALFORMED_REPLY = 0x20000001
    PROTOCOL_ERROR_ZAP_BAD_REQUEST_ID = 0x20000002
    PROTOCOL_ERROR_ZAP_BAD_VERSION = 0x20000003
    PROTOCOL_ERROR_ZAP_INVALID_STATUS_CODE = 0x20000004
    PROTOCOL_ERROR_ZAP_INVALID_METADATA = 0x20000005
    PROTOCOL_ERROR_WS_UNSPECIFIED = 0x30000000
    CONNECTED = 0x1
    CONNECT_DELAYED = 0x2
    CONNECT_RETRIED = 0x4
    LISTENING = 0x8
    BIND_FAILED = 0x10
    ACCEPTED = 0x20
    ACCEPT_FAILED = 0x40
    CLOSED = 0x80
    CLOSE_FAILED = 0x100
    DISCONNECTED = 0x200
    MONITOR_STOPPED = 0x400
    ALL_V1 = 0xffff
    ALL = 0xffff
    HANDSHAKE_FAILED_NO_DETAIL = 0x800
    HANDSHAKE_SUCCEEDED = 0x1000
    HANDSHAKE_FAILED_PROTOCOL = 0x2000
    HANDSHAKE_FAILED_AUTH = 0x4000
    PIPES_STATS = 0x10000
    ALL_V2 = 0x1ffff


class DeviceType(IntEnum):
    """libzmq DeviceType values."""

    STREAMER = 1
    FORWARDER = 2
    QUEUE = 3


class RouterNotify(IntFlag):
    """libzmq RouterNotify values."""

    CONNECT = 0x1
    DISCONNECT = 0x2


class ReconnectStop(IntFlag):
    """libzmq ReconnectStop values."""

    CONN_REFUSED = 0x1
    HANDSHAKE_FAILED = 0x2
    AFTER_DISCONNECT = 0x3


class ProtocolError(IntEnum):
    """libzmq ProtocolError values."""

    ZMTP_UNSPECIFIED = 268435456
    ZMTP_UNEXPECTED_COMMAND = 268435457
    ZMTP_INVALID_SEQUENCE = 268435458
    ZMTP_KEY_EXCHANGE = 268435459
    ZMTP_MALFORMED_COMMAND_UNSPECIFIED = 268435473
    ZMTP_MALFORMED_COMMAND_MESSAGE = 268435474
    ZMTP_MALFORMED_COMMAND_HELLO = 268435475
    ZMTP_MALFORMED_COMMAND_INITIATE = 268435476
    ZMTP_MALFORMED_COMMAND_ERROR = 268435477
    ZMTP_MALFORMED_COMMAND_READY = 268435478
    ZMTP_MALFORMED_COMMAND_WELCOME = 268435479
    ZMTP_INVALID_METADATA = 268435480
    ZMTP_CRYPTOGRAPHIC = 285212673
    ZMTP_MECHANISM_MISMATCH = 285212674
    ZAP_UNSPECIFIED = 536870912
    ZAP_MALFORMED_REPLY = 536870913
    ZAP_BAD_REQUEST_ID = 536870914
    ZAP_BAD_VERSION = 536870915
    ZAP_INVALID_STATUS_CODE = 536870916
    ZAP_INVALID_METADATA = 536870917
    WS_UNSPECIFIED = 805306368


class NormMode(IntEnum):
    """libzmq NormMode values."""

    FIXED = 0
    CC = 1
    CCL = 2
    CCE = 3
    CCE_ECNONLY = 4


class Errno(IntEnum):
    """errno values libzmq reports (POSIX ones take this system's numbers)."""

    EAGAIN = getattr(_errno, 'EAGAIN', 156384712 + 1)
    EINVAL = getattr(_errno, 'EINVAL', 156384712 + 2)
    EFAULT = getattr(_errno, 'EFAULT', 156384712 + 3)
    ENOMEM = getattr(_errno, 'ENOMEM', 156384712 + 4)
    ENODEV = getattr(_errno, 'ENODEV', 156384712 + 5)
    EMFILE = getattr(_errno, 'EMFILE', 156384712 + 6)
    EINTR = getattr(_errno, 'EINTR', 156384712 + 7)
    ENOTSUP = getattr(_errno, 'ENOTSUP', 156384712 + 8)
    EPROTONOSUPPORT = getattr(_errno, 'EPROTONOSUPPORT', 156384712 + 9)
    ENOBUFS = getattr(_errno, 'ENOBUFS', 156384712 + 10)
    ENETDOWN = getattr(_errno, 'ENETDOWN', 156384712 + 11)
    EADDRINUSE = getattr(_errno, 'EADDRINUSE', 156384712 + 12)
    EADDRNOTAVAIL = getattr(_errno, 'EADDRNOTAVAIL', 156384712 + 13)
    ECONNREFUSED = getattr(_errno, 'ECONNREFUSED', 156384712 + 14)
    EINPROGRESS = getattr(_errno, 'EINPROGRESS', 156384712 + 15)
    ENOTSOCK = getattr(_errno, 'ENOTSOCK', 156384712 + 16)
    EMSGSIZE = getattr(_errno, 'EMSGSIZE', 156384712 + 17)
    EAFNOSUPPORT = getattr(_errno, 'EAFNOSUPPORT', 156384712 + 18)
    ENETUNREACH = getattr(_errno, 'ENETUNREACH', 156384712 + 19)
    ECONNABORTED = getattr(_errno, 'ECONNABORTED', 156384712 + 20)
    ECONNRESET = getattr(_errno, 'ECONNRESET', 156384712 + 21)
    ENOTCONN = getattr(_errno, 'ENOTCONN', 156384712 + 22)
    ETIMEDOUT = getattr(_errno, 'ETIMEDOUT', 156384712 + 23)
    EHOSTUNREACH = getattr(_errno, 'EHOSTUNREACH', 156384712 + 24)
    ENETRESET = getattr(_errno, 'ENETRESET', 156384712 + 25)
    EBUSY = getattr(_errno, 'EBUSY', 156384712 + 26)
    ENOENT = getattr(_errno, 'ENOENT', 156384712 + 27)
    EACCES = getattr(_errno, 'EACCES', 156384712 + 28)
    EPERM = getattr(_errno, 'EPERM', 156384712 + 29)
    EFSM = 156384763
    ENOCOMPATPROTO = 156384764
    ETERM = 156384765
    EMTHREAD = 156384766


class _OptType(IntEnum):
    """How an option's value is passed: int, int64, bytes or fd."""

    int = 0
    int64 = 1
    bytes = 2
    fd = 3


#: SocketOption -> _OptType, for the options that are not plain ints
OPTION_TYPES = {
    5: _OptType.bytes,  # ROUTING_ID
    5: _OptType.bytes,  # IDENTITY
    6: _OptType.bytes,  # SUBSCRIBE
    7: _OptType.bytes,  # UNSUBSCRIBE
    32: _OptType.bytes,  # LAST_ENDPOINT
    38: _OptType.bytes,  # TCP_ACCEPT_FILTER
    45: _OptType.bytes,  # PLAIN_USERNAME
    46: _OptType.bytes,  # PLAIN_PASSWORD
    48: _OptType.bytes,  # CURVE_PUBLICKEY
    49: _OptType.bytes,  # CURVE_SECRETKEY
    50: _OptType.bytes,  # CURVE_SERVERKEY
    55: _OptType.bytes,  # ZAP_DOMAIN
    61: _OptType.bytes,  # CONNECT_ROUTING_ID
    61: _OptType.bytes,  # CONNECT_RID
    63: _OptType.bytes,  # GSSAPI_PRINCIPAL
    64: _OptType.bytes,  # GSSAPI_SERVICE_PRINCIPAL
    68: _OptType.bytes,  # SOCKS_PROXY
    72: _OptType.bytes,  # XPUB_WELCOME_MSG
    92: _OptType.bytes,  # BINDTODEVICE
    95: _OptType.bytes,  # METADATA
    99: _OptType.bytes,  # SOCKS_USERNAME
    100: _OptType.bytes,  # SOCKS_PASSWORD
    103: _OptType.bytes,  # WSS_KEY_PEM
    104: _OptType.bytes,  # WSS_CERT_PEM
    105: _OptType.bytes,  # WSS_TRUST_PEM
    106: _OptType.bytes,  # WSS_HOSTNAME
    110: _OptType.bytes,  # HELLO_MSG
    111: _OptType.bytes,  # DISCONNECT_MSG
    114: _OptType.bytes,  # HICCUP_MSG
    4: _OptType.int64,  # AFFINITY
    22: _OptType.int64,  # MAXMSGSIZE
    85: _OptType.int64,  # VMCI_BUFFER_SIZE
    86: _OptType.int64,  # VMCI_BUFFER_MIN_SIZE
    87: _OptType.int64,  # VMCI_BUFFER_MAX_SIZE
    14: _OptType.fd,  # FD
}

for _m in SocketOption:  # pyzmq's SocketOption.X._opt_type
    _m._opt_type = OPTION_TYPES.get(_m.value, _OptType.int)

#: bytes options whose value libzmq returns as a NUL-terminated string
STRING_OPTIONS = frozenset({32, 45, 46, 55, 63, 64, 68, 92, 99, 100, 106, 38})
#: CURVE key options: read back as 40-character Z85 text
CURVE_KEY_OPTIONS = frozenset({48, 49, 50})

# flat names, as in pyzmq (zmq.PUSH, zmq.LINGER, zmq.EVENT_CONNECTED, zmq.EAGAIN ...)
_enums = (SocketType, SocketOption, ContextOption, MessageOption, Flag, PollEvent,
          SecurityMechanism, DeviceType, Errno)
for _e in _enums:
    for _name, _member in _e.__members__.items():
        globals()[_name] = _member
for _name, _member in Event.__members__.items():
    if not _name.startswith("PROTOCOL_ERROR_"):  # those come from ProtocolError below
        globals()["EVENT_" + _name] = _member
for _name, _member in RouterNotify.__members__.items():
    globals()["NOTIFY_" + _name] = _member
for _name, _member in ReconnectStop.__members__.items():
    globals()["RECONNECT_STOP_" + _name] = _member
for _name, _member in ProtocolError.__members__.items():
    globals()["PROTOCOL_ERROR_" + _name] = _member
for _name, _member in NormMode.__members__.items():
    globals()["NORM_" + _name] = _member

IO_THREADS_DFLT = 1
MAX_SOCKETS_DFLT = 1023
THREAD_PRIORITY_DFLT = -1
THREAD_SCHED_POLICY_DFLT = -1
POLLITEMS_DFLT = 16
HAS_CAPABILITIES = 1
GSSAPI_NT_HOSTBASED = 0
GSSAPI_NT_USER_NAME = 1
GSSAPI_NT_KRB5_PRINCIPAL = 2
GROUP_MAX_LENGTH = 255
CURRENT_EVENT_VERSION = 1
CURRENT_EVENT_VERSION_DRAFT = 2
MSG_PROPERTY_ROUTING_ID = "Routing-Id"
MSG_PROPERTY_SOCKET_TYPE = "Socket-Type"
MSG_PROPERTY_USER_ID = "User-Id"
MSG_PROPERTY_PEER_ADDRESS = "Peer-Address"

DRAFT_API = False

__all__ = [n for n in globals() if n.isupper() or n in (
    "SocketType", "SocketOption", "ContextOption", "MessageOption", "Flag", "PollEvent",
    "SecurityMechanism", "Event", "DeviceType", "Errno", "RouterNotify", "ReconnectStop",
    "ProtocolError", "NormMode")]
