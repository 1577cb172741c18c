"""ZAP (ZeroMQ Authentication Protocol, RFC 27) policy: who may connect.

:class:`Authenticator` holds the policy and answers ZAP requests; it does not
read its socket by itself. The drivers do: :class:`~greenzmq.auth.thread.ThreadAuthenticator`
(an OS thread), ``GeventAuthenticator`` and ``EventletAuthenticator`` (a
greenlet), ``IOLoopAuthenticator`` (tornado).
"""
from __future__ import annotations

import asyncio
import inspect
import logging
import os
from typing import Any, Sequence

import greenzmq
from greenzmq.error import ZMQError
from greenzmq.utils import z85

from .certs import load_certificates

__all__ = ["Authenticator", "CURVE_ALLOW_ANY", "VERSION", "ZAP_ENDPOINT"]

#: pass as ``location`` to :meth:`Authenticator.configure_curve` to accept any client key
CURVE_ALLOW_ANY = "*"
#: the ZAP version this authenticator speaks
VERSION = b"1.0"
#: libzmq sends ZAP requests to this inproc address of the socket's context
ZAP_ENDPOINT = "inproc://zeromq.zap.01"



def _resolve(answer: Any) -> Any:
    """A credentials callback's answer; an async callback's is awaited (a coroutine object
    is truthy: taking it as the answer would let every key in)."""
    if not inspect.isawaitable(answer):
        return answer
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # this thread runs no loop (the thread authenticator): run one
        async def wait() -> Any:
            return await answer

        return asyncio.run(wait())
    if inspect.iscoroutine(answer):
        answer.close()
    raise TypeError("an async credentials callback needs greenzmq.auth.asyncio's "
                    "AsyncioAuthenticator when the loop runs in this thread")

class _BadCredentials(Exception):
    """A ZAP request whose credential frames do not fit its mechanism."""


class Authenticator:
    """ZAP policy for the sockets of one context.

    Until configured, NULL connections are accepted (unless an IP rule denies
    them) and PLAIN and CURVE connections are refused.

    Parameters
    ----------
    context : Context, optional
        The context whose sockets are to be authenticated; ``Context.instance()``
        when omitted.
    encoding : str
        Encoding of PLAIN usernames and passwords and of user ids.
    log : logging.Logger, optional
        Where decisions are logged (debug level); ``greenzmq.auth`` by default.
    """

    context: Any
    encoding: str
    allow_any: bool
    credentials_providers: dict[str, Any]
    zap_socket: Any
    #: IP addresses explicitly allowed (once non-empty, all others are refused)
    allow_addresses: set[str]
    #: IP addresses explicitly refused
    deny_addresses: set[str]
    passwords: dict[str, dict[str, str]]
    certs: dict[str, dict[bytes, bool]]
    log: logging.Logger

    def __init__(self, context: Any = None, encoding: str = "utf-8",
                 log: logging.Logger | None = None) -> None:
        self.context = context if context is not None else self._default_context()
        self.encoding = encoding
        self.allow_any = False
        self.credentials_providers = {}
        self.zap_socket = None
        self.allow_addresses = set()
        self.deny_addresses = set()
        self.passwords = {}
        self.certs = {}
        self.log = log or logging.getLogger("greenzmq.auth")

    @staticmethod
    def _default_context() -> Any:
        return greenzmq.Context.instance()

    # the socket class the ZAP handler uses; green drivers override it
    _socket_class: Any = None

    # ------------------------------------------------------------ life cycle
    def start(self) -> None:
        """Create the ZAP socket and bind it to ``inproc://zeromq.zap.01``.

        Raises
        ------
        ZMQError
            EADDRINUSE if another authenticator already serves this context.
        """
        if self.zap_socket is not None:
            raise RuntimeError("authenticator is already started")
        # warm the logger's level cache here: drivers call it from a thread or a
        # greenlet where taking logging's module lock is best avoided
        self.log.isEnabledFor(logging.DEBUG)
        if self._socket_class is not None:
            sock = self.context.socket(greenzmq.REP, socket_class=self._socket_class)
        else:
            sock = self.context.socket(greenzmq.REP)
        try:
            # a pending reply must not hold up context termination for long
            sock.linger = 1
            sock.bind(ZAP_ENDPOINT)
        except BaseException:
            sock.close(linger=0)
            raise
        self.zap_socket = sock
        self.log.debug("Starting ZAP handler")

    def stop(self) -> None:
        """Close the ZAP socket; connections then fail authentication."""
        sock, self.zap_socket = self.zap_socket, None
        if sock is not None:
            self._close_zap_socket(sock)

    @staticmethod
    def _close_zap_socket(sock: Any) -> None:
        # libzmq frees an inproc name only when the reaper destroys the socket,
        # some time after close(); unbinding first frees it at once, so a new
        # authenticator can start on this context right after stop() returns
        if sock.closed:
            return
        try:
            sock.unbind(ZAP_ENDPOINT)
        except ZMQError:
            pass
        sock.close()

    def _serve(self, sock: Any) -> None:
        """Answer requests on ``sock`` until it is closed or its context ends.

        The green drivers run this in a greenlet over a green socket.
        """
        try:
            while True:
                msg = sock.recv_multipart()
                self.handle_zap_message(msg)
        except ZMQError as e:
            if e.errno not in (greenzmq.ETERM, greenzmq.ENOTSOCK):
                self.log.exception("ZAP handler failed")

    # ---------------------------------------------------------------- policy
    def allow(self, *addresses: str) -> None:
        """Accept connections only from these IP addresses.

        Once any address is allowed, every other address is refused; allowing
        and denying are mutually exclusive. PLAIN and CURVE clients from an
        allowed address must still pass their mechanism's check.
        """
        if self.deny_addresses:
            raise ValueError("only use allow or deny, not both: "
                             f"{sorted(self.deny_addresses)} are already denied")
        for addr in addresses:
            self.allow_addresses.add(self._check_address(addr))
        self.log.debug("Allowing %s", ",".join(addresses))

    def deny(self, *addresses: str) -> None:
        """Refuse connections from these IP addresses; others are unaffected."""
        if self.allow_addresses:
            raise ValueError("only use allow or deny, not both: "
                             f"{sorted(self.allow_addresses)} are already allowed")
        for addr in addresses:
            self.deny_addresses.add(self._check_address(addr))
        self.log.debug("Denying %s", ",".join(addresses))

    @staticmethod
    def _check_address(addr: Any) -> str:
        if isinstance(addr, bytes):
            addr = addr.decode("ascii")
        if not isinstance(addr, str):
            raise TypeError(f"an address is str, not {type(addr).__name__}")
        return addr

    def configure_plain(self, domain: str = "*",
                        passwords: dict[str, str] | None = None) -> None:
        """Accept PLAIN clients whose username and password match.

        Parameters
        ----------
        domain : str
            ZAP domain this applies to; ``"*"`` for any domain.
        passwords : dict, optional
            ``{username: password}``; none given means nobody passes.
        """
        if passwords is not None and not isinstance(passwords, dict):
            raise TypeError(
                f"passwords is a dict of username: password, not {type(passwords).__name__}"
            )
        self.passwords[domain] = dict(passwords or {})
        self.log.debug("Configure plain: %s", domain)

    def configure_curve(self, domain: str = "*",
                        location: str | os.PathLike[str] = "") -> None:
        """Accept CURVE clients whose public key is in a certificate directory.

        Parameters
        ----------
        domain : str
            ZAP domain this applies to; ``"*"`` for any domain.
        location : path or CURVE_ALLOW_ANY
            Directory of ``*.key`` public certificates, read now (call again
            to reload). :data:`CURVE_ALLOW_ANY` accepts every client key,
            i.e. encryption without client authentication.
        """
        if location == CURVE_ALLOW_ANY:
            self.allow_any = True
        else:
            self.allow_any = False
            self.certs[domain] = load_certificates(location)
        self.log.debug("Configure curve: %s[%s]", domain, location)

    def configure_curve_callback(self, domain: str = "*",
                                 credentials_provider: Any = None) -> None:
        """Accept CURVE clients that a callback approves.

        Parameters
        ----------
        domain : str
            ZAP domain this applies to; ``"*"`` for any domain.
        credentials_provider : object
            Has a ``callback(domain, client_key_z85) -> bool`` method.
        """
        if credentials_provider is None or not callable(
            getattr(credentials_provider, "callback", None)
        ):
            raise TypeError("credentials_provider must have a callback(domain, key) method")
        self.allow_any = False
        self.credentials_providers[domain] = credentials_provider

    def curve_user_id(self, client_public_key: bytes) -> str:
        """User id reported for an accepted CURVE client: its Z85 public key.

        Override to map keys to other user ids.
        """
        return z85.encode(client_public_key).decode("ascii")

    def configure_gssapi(self, domain: str = "*", location: str | None = None) -> None:
        """GSSAPI needs no configuration here: libzmq and the GSSAPI library
        authenticate the principal; the authenticator only reports it."""

    # ------------------------------------------------------------- ZAP logic
    def handle_zap_message(self, msg: Sequence[bytes]) -> None:
        """Answer one ZAP request read from :attr:`zap_socket`.

        Parameters
        ----------
        msg : list of bytes
            The request frames: version, request id, domain, address,
            identity, mechanism, then the mechanism's credentials.
        """
        msg = [bytes(getattr(f, "bytes", f)) for f in msg]
        if len(msg) < 6:
            self.log.error("Invalid ZAP message, not enough frames: %r", msg)
            if len(msg) < 2:
                # no request id to answer to; send an empty-ish error so the
                # REP socket can take the next request
                self._send_zap_reply(msg[0] if msg else b"", b"500", b"Malformed request")
            else:
                self._send_zap_reply(msg[1], b"400", b"Not enough frames")
            return
        version, request_id, domain_b, address_b, identity, mechanism = msg[:6]
        credentials = msg[6:]
        domain = domain_b.decode(self.encoding, "replace")
        address = address_b.decode(self.encoding, "replace")

        if version != VERSION:
            self.log.error("Invalid ZAP version: %r", msg)
            self._send_zap_reply(request_id, b"400", b"Invalid version")
            return

        self.log.debug("version: %r, request_id: %r, domain: %r, address: %r, "
                       "identity: %r, mechanism: %r", version, request_id, domain,
                       address, identity, mechanism)

        allowed, denied = False, False
        reason = b"NO ACCESS"
        if self.allow_addresses:
            if address in self.allow_addresses:
                allowed = True
                self.log.debug("PASSED (allowed) address=%s", address)
            else:
                denied = True
                reason = b"Address not allowed"
                self.log.debug("DENIED (not allowed) address=%s", address)
        elif self.deny_addresses:
            if address in self.deny_addresses:
                denied = True
                reason = b"Address denied"
                self.log.debug("DENIED (denied) address=%s", address)
            else:
                allowed = True
                self.log.debug("PASSED (not denied) address=%s", address)

        try:
            allowed, reason, username = self._check_mechanism(
                denied, allowed, reason, domain, mechanism, credentials)
        except _BadCredentials:
            self._send_zap_reply(request_id, b"400", b"Invalid credentials")
            return
        except Exception:
            # a failing override or credentials callback must still answer the
            # request, or the REP socket (and every later handshake) is stuck
            self.log.exception("ZAP check failed for domain=%r address=%r", domain, address)
            self._send_zap_reply(request_id, b"500", b"Internal error")
            return
        if allowed:
            self._send_zap_reply(request_id, b"200", b"OK", username)
        else:
            self._send_zap_reply(request_id, b"400", reason)

    def _check_mechanism(self, denied: bool, allowed: bool, reason: bytes, domain: str,
                         mechanism: bytes, credentials: list[bytes]) -> tuple[bool, bytes, str]:
        username = "anonymous"
        if not denied:
            if mechanism == b"NULL":
                # an address rule is all NULL has; it passed (or there is none)
                allowed = True
            elif mechanism == b"PLAIN":
                # an allowed address must still present a valid password
                if len(credentials) != 2:
                    self.log.error("Invalid PLAIN credentials: %r", credentials)
                    raise _BadCredentials
                username = credentials[0].decode(self.encoding, "replace")
                password = credentials[1].decode(self.encoding, "replace")
                allowed, reason = self._authenticate_plain(domain, username, password)
            elif mechanism == b"CURVE":
                if len(credentials) != 1 or len(credentials[0]) != 32:
                    self.log.error("Invalid CURVE credentials: %r", credentials)
                    raise _BadCredentials
                key = credentials[0]
                allowed, reason = self._authenticate_curve(domain, key)
                if allowed:
                    username = self.curve_user_id(key)
            elif mechanism == b"GSSAPI":
                if len(credentials) != 1:
                    self.log.error("Invalid GSSAPI credentials: %r", credentials)
                    raise _BadCredentials
                principal = credentials[0]
                username = principal.decode(self.encoding, "replace")
                allowed, reason = self._authenticate_gssapi(domain, principal)
            else:
                allowed, reason = False, b"Unknown mechanism"
        return allowed, reason, username

    def _authenticate_plain(self, domain: str, username: str, password: str) -> tuple[bool, bytes]:
        passwords = self.passwords.get(domain)
        if passwords is None:
            passwords = self.passwords.get("*")
        if passwords is None:
            self.log.debug("DENIED (PLAIN) no passwords for domain %r", domain)
            return False, b"Unknown domain"
        if username in passwords and passwords[username] == password:
            self.log.debug("ALLOWED (PLAIN) domain=%s username=%s", domain, username)
            return True, b"OK"
        self.log.debug("DENIED (PLAIN) domain=%s username=%s", domain, username)
        return False, b"Invalid username or password"

    def _authenticate_curve(self, domain: str, client_key: bytes) -> tuple[bool, bytes]:
        if self.allow_any:
            self.log.debug("ALLOWED (CURVE allow any client)")
            return True, b"OK"
        key_z85 = z85.encode(client_key)
        provider = self.credentials_providers.get(domain, self.credentials_providers.get("*"))
        if provider is not None:
            if _resolve(provider.callback(domain, key_z85)):
                self.log.debug("ALLOWED (CURVE auth_callback) domain=%s key=%s", domain, key_z85)
                return True, b"OK"
            self.log.debug("DENIED (CURVE auth_callback) domain=%s key=%s", domain, key_z85)
            return False, b"Unknown key"
        certs = self.certs.get(domain)
        if certs is None:
            certs = self.certs.get("*")
        if certs is None:
            self.log.debug("DENIED (CURVE) no certificates for domain %r", domain)
            return False, b"Unknown domain"
        if certs.get(key_z85):
            self.log.debug("ALLOWED (CURVE) domain=%s key=%s", domain, key_z85)
            return True, b"OK"
        self.log.debug("DENIED (CURVE) domain=%s key=%s", domain, key_z85)
        return False, b"Unknown key"

    def _authenticate_gssapi(self, domain: str, principal: bytes) -> tuple[bool, bytes]:
        # libzmq has already authenticated the principal with GSSAPI
        self.log.debug("ALLOWED (GSSAPI) domain=%s principal=%r", domain, principal)
        return True, b"OK"

    def _send_zap_reply(self, request_id: bytes, status_code: bytes, status_text: bytes,
                        user_id: str = "anonymous") -> None:
        user = user_id.encode(self.encoding, "replace")
        # libzmq asks for an empty user id on failure
        if status_code != b"200":
            user = b""
        self.log.debug("ZAP reply code=%s text=%s", status_code, status_text)
        reply = [VERSION, request_id, status_code, status_text, user, b""]
        if self.zap_socket is not None:
            self.zap_socket.send_multipart(reply)
