"""Regenerate greenzmq/constants.py from zmq.h (run by hand when libzmq grows)."""
import importlib.util
import re
import sys

HEADER = sys.argv[1] if len(sys.argv) > 1 else "/usr/include/zmq.h"
OUT = "greenzmq/constants.py"

text = open(HEADER).read()
defs = {}
order = []
for m in re.finditer(r"^#define ZMQ_(\w+)\s+(\S.*?)\s*$", text, re.M):
    name, val = m.group(1), m.group(2)
    val = val.split("/*")[0].strip()
    if re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", val):
        v = int(val, 0)
    elif val.startswith("ZMQ_") and val[4:] in defs:
        v = defs[val[4:]]
    else:
        continue
    if name.startswith(("VERSION", "HAUSNUMERO", "DEFINED", "HAVE", "EXPORT", "MAKE")):
        continue
    if name.startswith("E") and not name.startswith(("EVENT", "EVENTS")):
        continue  # errno values come from the errno table below
    if name not in defs:
        order.append(name)
    defs[name] = v

HAUS = 156384712
errnos = {  # POSIX errno names libzmq uses; libzmq's own ones live above HAUSNUMERO
    "EAGAIN": None, "EINVAL": None, "EFAULT": None, "ENOMEM": None, "ENODEV": None,
    "EMFILE": None, "EINTR": None, "ENOTSUP": None, "EPROTONOSUPPORT": None, "ENOBUFS": None,
    "ENETDOWN": None, "EADDRINUSE": None, "EADDRNOTAVAIL": None, "ECONNREFUSED": None,
    "EINPROGRESS": None, "ENOTSOCK": None, "EMSGSIZE": None, "EAFNOSUPPORT": None,
    "ENETUNREACH": None, "ECONNABORTED": None, "ECONNRESET": None, "ENOTCONN": None,
    "ETIMEDOUT": None, "EHOSTUNREACH": None, "ENETRESET": None, "EBUSY": None, "ENOENT": None,
    "EACCES": None, "EPERM": None,
}
zmq_errnos = {
    "EFSM": HAUS + 51,
    "ENOCOMPATPROTO": HAUS + 52,
    "ETERM": HAUS + 53,
    "EMTHREAD": HAUS + 54,
}

groups = {
    "ContextOption": ["IO_THREADS", "MAX_SOCKETS", "SOCKET_LIMIT", "THREAD_PRIORITY",
                      "THREAD_SCHED_POLICY", "MAX_MSGSZ", "MSG_T_SIZE", "THREAD_AFFINITY_CPU_ADD",
                      "THREAD_AFFINITY_CPU_REMOVE", "THREAD_NAME_PREFIX", "ZERO_COPY_RECV",
                      "IPV6", "BLOCKY"],
    "SocketType": ["PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB",
                   "XSUB", "STREAM", "SERVER", "CLIENT", "RADIO", "DISH", "GATHER", "SCATTER",
                   "DGRAM", "PEER", "CHANNEL"],
    "MessageOption": ["MORE", "SHARED", "SRCFD"],
    "Flag": ["DONTWAIT", "SNDMORE"],
    "SecurityMechanism": ["NULL", "PLAIN", "CURVE", "GSSAPI"],
    "PollEvent": ["POLLIN", "POLLOUT", "POLLERR", "POLLPRI"],
    "DeviceType": ["STREAMER", "FORWARDER", "QUEUE"],
    "RouterNotify": ["NOTIFY_CONNECT", "NOTIFY_DISCONNECT"],
    "ReconnectStop": ["RECONNECT_STOP_CONN_REFUSED", "RECONNECT_STOP_HANDSHAKE_FAILED",
                      "RECONNECT_STOP_AFTER_DISCONNECT"],
}
socket_opts = [
    n
    for n in order
    if 4 <= defs[n] <= 200
    and (n in ("IPV6", "BLOCKY") or n not in sum(groups.values(), []))
    and n not in ("XREQ", "XREP")
    and not n.startswith(
        (
            "EVENT_",
            "PROTOCOL",
            "GSSAPI_NT",
            "NOTIFY",
            "RECONNECT_STOP_",
            "POLLITEMS",
            "GROUP_MAX",
            "IO_THREADS_DFLT",
            "MAX_SOCKETS_DFLT",
            "THREAD_",
            "HAS_",
            "MSG_",
            "ZERO_COPY",
        )
    )
]
socket_opts += ["IDENTITY", "CONNECT_RID", "TCP_ACCEPT_FILTER", "IPC_FILTER_PID", "IPC_FILTER_UID",
                "IPC_FILTER_GID", "IPV4ONLY", "DELAY_ATTACH_ON_CONNECT", "FAIL_UNROUTABLE",
                "ROUTER_BEHAVIOR"]
socket_opts = list(dict.fromkeys(n for n in socket_opts if n in defs))
# options pyzmq 27 knows that this zmq.h lacks (newer libzmq or draft): listed so that
# pyzmq programs find the names; libzmq answers EINVAL where it lacks one
NEWER_OPTS = {"HWM": 1, "THREAD_SAFE": 81, "BUSY_POLL": 113, "HICCUP_MSG": 114,
              "XSUB_VERBOSE_UNSUBSCRIBE": 115, "TOPICS_COUNT": 116, "NORM_MODE": 117,
              "NORM_UNICAST_NACK": 118, "NORM_BUFFER_SIZE": 119, "NORM_SEGMENT_SIZE": 120,
              "NORM_BLOCK_SIZE": 121, "NORM_NUM_PARITY": 122, "NORM_NUM_AUTOPARITY": 123,
              "NORM_PUSH": 124}
for n, v in NEWER_OPTS.items():
    defs.setdefault(n, v)
socket_opts = ["HWM"] + socket_opts + [n for n in NEWER_OPTS if n not in socket_opts and n != "HWM"]
defs.setdefault("NORM_FIXED", 0)
for i, n in enumerate(["NORM_FIXED", "NORM_CC", "NORM_CCL", "NORM_CCE", "NORM_CCE_ECNONLY"]):
    defs.setdefault(n, i)
norm_modes = ["NORM_FIXED", "NORM_CC", "NORM_CCL", "NORM_CCE", "NORM_CCE_ECNONLY"]
events = [n for n in order if n.startswith("EVENT_")]
# ALL_V1 first, so that ALL (same value) is its alias and repr(Event.ALL) names ALL_V1 as pyzmq's
events = [e for n in events if n != "EVENT_ALL_V1"
          for e in (("EVENT_ALL_V1", "EVENT_ALL") if n == "EVENT_ALL" else (n,))]
if "EVENT_PIPES_STATS" in defs:
    defs["EVENT_ALL_V2"] = defs["EVENT_ALL_V1"] | defs["EVENT_PIPES_STATS"]
    events.append("EVENT_ALL_V2")
protoerr = [n for n in order if n.startswith("PROTOCOL_ERROR_")]

# option value types: everything else is int
bytes_opts = ["ROUTING_ID", "IDENTITY", "SUBSCRIBE", "UNSUBSCRIBE", "LAST_ENDPOINT",
              "TCP_ACCEPT_FILTER", "PLAIN_USERNAME", "PLAIN_PASSWORD", "CURVE_PUBLICKEY",
              "CURVE_SECRETKEY", "CURVE_SERVERKEY", "ZAP_DOMAIN", "CONNECT_ROUTING_ID",
              "CONNECT_RID", "GSSAPI_PRINCIPAL", "GSSAPI_SERVICE_PRINCIPAL", "SOCKS_PROXY",
              "XPUB_WELCOME_MSG", "BINDTODEVICE", "METADATA", "SOCKS_USERNAME", "SOCKS_PASSWORD",
              "WSS_KEY_PEM", "WSS_CERT_PEM", "WSS_TRUST_PEM", "WSS_HOSTNAME", "HELLO_MSG",
              "DISCONNECT_MSG", "HICCUP_MSG"]
int64_opts = ["AFFINITY", "MAXMSGSIZE", "VMCI_BUFFER_SIZE", "VMCI_BUFFER_MIN_SIZE",
              "VMCI_BUFFER_MAX_SIZE"]
fd_opts = ["FD"]

L = []
w = L.append
w('"""Every libzmq constant (generated from zmq.h by tools/gen_constants.py), also as IntEnums."""')
w("# ruff: noqa")
w("from enum import IntEnum, IntFlag")
w("import errno as _errno")
w("")
w("")

def enum(name, names, base="IntEnum", prefix=""):
    w(f"class {name}({base}):")
    w(f'    """libzmq {name} values."""')
    w("")
    for n in names:
        if n in defs:
            w(
                f"    {n[len(prefix) :] if prefix and n.startswith(prefix) else n} = {defs[n]:#x}"
                if base == "IntFlag"
                else f"    {n[len(prefix) :] if prefix and n.startswith(prefix) else n} = {defs[n]}"
            )
    w("")
    w("")

enum("SocketType", groups["SocketType"] + ["XREQ", "XREP"])
enum("SocketOption", socket_opts)
enum("ContextOption", groups["ContextOption"])
enum("MessageOption", groups["MessageOption"])
enum("Flag", groups["Flag"] + ["NOBLOCK"], "IntFlag")
enum("PollEvent", groups["PollEvent"], "IntFlag")
enum("SecurityMechanism", groups["SecurityMechanism"])
# protocol errors first (as pyzmq's Event): their multi-bit values keep their own names
enum("Event", protoerr + events, "IntFlag", "EVENT_")
enum("DeviceType", groups["DeviceType"])
enum("RouterNotify", groups["RouterNotify"], "IntFlag", "NOTIFY_")
enum("ReconnectStop", groups["ReconnectStop"], "IntFlag", "RECONNECT_STOP_")
enum("ProtocolError", protoerr, "IntEnum", "PROTOCOL_ERROR_")
enum("NormMode", norm_modes, "IntEnum", "NORM_")

w("class Errno(IntEnum):")
w('    """errno values libzmq reports (POSIX ones take this system\'s numbers)."""')
w("")
for n in errnos:
    w(f"    {n} = getattr(_errno, {n!r}, {HAUS} + {list(errnos).index(n) + 1})")
for n, v in zmq_errnos.items():
    w(f"    {n} = {v}")
w("")
w("")
w("class _OptType(IntEnum):")
w('    """How an option\'s value is passed: int, int64, bytes or fd."""')
w("")
w("    int = 0")
w("    int64 = 1")
w("    bytes = 2")
w("    fd = 3")
w("")
w("")
w("#: SocketOption -> _OptType, for the options that are not plain ints")
w("OPTION_TYPES = {")
for n in bytes_opts:
    if n in defs:
        w(f"    {defs[n]}: _OptType.bytes,  # {n}")
for n in int64_opts:
    if n in defs:
        w(f"    {defs[n]}: _OptType.int64,  # {n}")
for n in fd_opts:
    w(f"    {defs[n]}: _OptType.fd,  # {n}")
w("}")
w("")
w("for _m in SocketOption:  # pyzmq's SocketOption.X._opt_type")
w("    _m._opt_type = OPTION_TYPES.get(_m.value, _OptType.int)")
w("")
w("#: bytes options whose value libzmq returns as a NUL-terminated string")
strs = ["LAST_ENDPOINT", "PLAIN_USERNAME", "PLAIN_PASSWORD", "ZAP_DOMAIN", "GSSAPI_PRINCIPAL",
        "GSSAPI_SERVICE_PRINCIPAL", "SOCKS_PROXY", "BINDTODEVICE", "SOCKS_USERNAME",
        "SOCKS_PASSWORD", "WSS_HOSTNAME", "TCP_ACCEPT_FILTER"]
w("STRING_OPTIONS = frozenset({" + ", ".join(str(defs[n]) for n in strs if n in defs) + "})")
w("#: CURVE key options: read back as 40-character Z85 text")
w(
    "CURVE_KEY_OPTIONS = frozenset({"
    + ", ".join(str(defs[n]) for n in ["CURVE_PUBLICKEY", "CURVE_SECRETKEY", "CURVE_SERVERKEY"])
    + "})"
)
w("")
w("# flat names, as in pyzmq (zmq.PUSH, zmq.LINGER, zmq.EVENT_CONNECTED, zmq.EAGAIN ...)")
w("_enums = (SocketType, SocketOption, ContextOption, MessageOption, Flag, PollEvent,")
w("          SecurityMechanism, DeviceType, Errno)")
w("for _e in _enums:")
w("    for _name, _member in _e.__members__.items():")
w("        globals()[_name] = _member")
w("for _name, _member in Event.__members__.items():")
w('    if not _name.startswith("PROTOCOL_ERROR_"):  # those come from ProtocolError below')
w('        globals()["EVENT_" + _name] = _member')
w("for _name, _member in RouterNotify.__members__.items():")
w('    globals()["NOTIFY_" + _name] = _member')
w("for _name, _member in ReconnectStop.__members__.items():")
w('    globals()["RECONNECT_STOP_" + _name] = _member')
w("for _name, _member in ProtocolError.__members__.items():")
w('    globals()["PROTOCOL_ERROR_" + _name] = _member')
w("for _name, _member in NormMode.__members__.items():")
w('    globals()["NORM_" + _name] = _member')
w("")
extra = {
    n: defs[n]
    for n in [
        "IO_THREADS_DFLT",
        "MAX_SOCKETS_DFLT",
        "THREAD_PRIORITY_DFLT",
        "THREAD_SCHED_POLICY_DFLT",
        "POLLITEMS_DFLT",
        "HAS_CAPABILITIES",
        "GSSAPI_NT_HOSTBASED",
        "GSSAPI_NT_USER_NAME",
        "GSSAPI_NT_KRB5_PRINCIPAL",
        "GROUP_MAX_LENGTH",
        "CURRENT_EVENT_VERSION",
        "CURRENT_EVENT_VERSION_DRAFT",
    ]
    if n in defs
}
for n, v in extra.items():
    w(f"{n} = {v}")
w('MSG_PROPERTY_ROUTING_ID = "Routing-Id"')
w('MSG_PROPERTY_SOCKET_TYPE = "Socket-Type"')
w('MSG_PROPERTY_USER_ID = "User-Id"')
w('MSG_PROPERTY_PEER_ADDRESS = "Peer-Address"')
w("")
w("DRAFT_API = False")
w("")
w("__all__ = [n for n in globals() if n.isupper() or n in (")
w('    "SocketType", "SocketOption", "ContextOption", "MessageOption", "Flag", "PollEvent",')
w('    "SecurityMechanism", "Event", "DeviceType", "Errno", "RouterNotify", "ReconnectStop",')
w('    "ProtocolError", "NormMode")]')
open(OUT, "w").write("\n".join(L) + "\n")
print(f"wrote {OUT}: {len(socket_opts)} socket options, {len(events)} events")

# --- the stub: flat names are made with globals() at import, invisible to type checkers ---
spec = importlib.util.spec_from_file_location("_gen_constants", OUT)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
src = open(OUT).read()
S = ["# Stub for greenzmq.constants (generated by tools/gen_constants.py).",
     "from enum import IntEnum, IntFlag", "from typing import Final", ""]
# the enum classes as written in the module, values included
for block in src.split("\n\n\n"):
    if block.startswith("class "):
        S.append("\n".join(line for line in block.splitlines()
                           if not line.strip().startswith('"""') and "getattr(_errno" not in line))
        if block.startswith("class Errno"):
            S.extend(f"    {n}: int" for n in errnos)
        S.append("")
S += ["OPTION_TYPES: dict[int, _OptType]", "STRING_OPTIONS: frozenset[int]",
      "CURVE_KEY_OPTIONS: frozenset[int]", "DRAFT_API: bool"]
for name in mod.__all__:
    value = getattr(mod, name)
    if name == "DRAFT_API":
        continue
    if isinstance(value, __import__("enum").Enum):
        S.append(f"{name}: Final[{type(value).__name__}]")
    elif isinstance(value, int):
        S.append(f"{name}: Final[int]")
    elif isinstance(value, str):
        S.append(f"{name}: Final[str]")
S.append("__all__: list[str]")
open(OUT + "i", "w").write("\n".join(S) + "\n")
print(f"wrote {OUT}i")
