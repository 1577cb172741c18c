"""Reach a ZeroMQ endpoint through an SSH tunnel.

``tunnel_connection(sock, "tcp://10.0.0.5:5555", "user@gateway")`` starts
``ssh -L 127.0.0.1:<free port>:10.0.0.5:5555 user@gateway`` and connects ``sock`` to the
local end. The tunnel's ssh runs ``sleep <timeout>`` on the server, so it ends by itself
once it has been idle that long and its last forwarded connection is gone.

The OpenSSH client is used by default (no pexpect needed: a password, if given, reaches
ssh through ``SSH_ASKPASS``); ``paramiko=True`` uses the paramiko library instead.
"""
from __future__ import annotations

import atexit
import os
import socket as _pysocket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

__all__ = ["select_random_ports", "try_passwordless_ssh", "tunnel_connection", "open_tunnel",
           "openssh_tunnel", "paramiko_tunnel", "SSHException", "MaxRetryExceeded"]

try:
    import paramiko as _paramiko
except ImportError:  # optional
    _paramiko = None

if _paramiko is not None:
    SSHException = _paramiko.ssh_exception.SSHException
else:
    class SSHException(Exception):  # type: ignore[no-redef]
        """An SSH connection or authentication failure."""


class MaxRetryExceeded(Exception):
    """The tunnel did not come up in time."""


def select_random_ports(n: int) -> list[int]:
    """``n`` distinct TCP ports that were free a moment ago (all held open at once while
    picking, so none repeats)."""
    socks = []
    try:
        for _ in range(n):
            s = _pysocket.socket()
            s.bind(("", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _split_server(server: str) -> tuple[str | None, str, int | None]:
    user, _, hostport = server.rpartition("@")
    host, sep, port = hostport.partition(":")
    return user or None, host, int(port) if sep else None


def _ssh_command(server: str, keyfile: str | None) -> list[str]:
    user, host, port = _split_server(server)
    cmd = [os.environ.get("GREENZMQ_SSH", "ssh")]
    if keyfile:
        cmd += ["-i", keyfile]
    if port is not None:
        cmd += ["-p", str(port)]
    return cmd + [f"{user}@{host}" if user else host]


def _askpass_env(password: str | None) -> tuple[dict[str, str], str | None]:
    """Environment for ssh; with a password, a one-shot SSH_ASKPASS helper answers it."""
    env = dict(os.environ)
    env.pop("SSH_ASKPASS", None)
    if password is None:
        return env, None
    fd, path = tempfile.mkstemp(prefix="greenzmq-askpass-")
    with os.fdopen(fd, "w") as f:
        f.write('#!/bin/sh\nprintf "%s\\n" "$GREENZMQ_SSH_PASSWORD"\n')
    os.chmod(path, stat.S_IRWXU)
    env.update(SSH_ASKPASS=path, SSH_ASKPASS_REQUIRE="force", GREENZMQ_SSH_PASSWORD=password,
               DISPLAY=env.get("DISPLAY", ":0"))
    return env, path


def try_passwordless_ssh(server: str, keyfile: str | None = None,
                         paramiko: bool | None = None) -> bool:
    """True if ``server`` accepts a login without a password (keys or agent)."""
    if paramiko:
        return _paramiko_connect(server, keyfile, None, 10) is not None
    cmd = _ssh_command(server, keyfile)
    cmd[1:1] = ["-o", "BatchMode=yes", "-o", "ConnectTimeout=10"]
    try:
        return subprocess.run(cmd + ["exit"], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _wait_listening(port: int, proc: subprocess.Popen | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            _pysocket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
            raise SSHException(f"the ssh tunnel exited with status {proc.returncode}: {err}")
        if time.monotonic() >= deadline:
            raise MaxRetryExceeded(f"the tunnel on port {port} did not come up in time")
        time.sleep(0.05)


def openssh_tunnel(lport: int, rport: int, server: str, remoteip: str = "127.0.0.1",
                   keyfile: str | None = None, password: str | None = None,
                   timeout: int = 60) -> int:
    """Forward ``127.0.0.1:lport`` here to ``remoteip:rport`` as seen from ``server``, with
    the ssh command; return the pid of that ssh (ended at interpreter exit)."""
    cmd = _ssh_command(server, keyfile)
    cmd[1:1] = ["-S", "none", "-o", "ExitOnForwardFailure=yes",
                "-L", f"127.0.0.1:{lport}:{remoteip}:{rport}"]
    env, askpass = _askpass_env(password)
    try:
        proc = subprocess.Popen(cmd + ["sleep", str(int(timeout))], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, start_new_session=password is not None)
        atexit.register(_end, proc)
        try:
            _wait_listening(lport, proc, max(timeout, 10))
        except BaseException:
            _end(proc)
            raise
    finally:
        if askpass is not None:
            os.unlink(askpass)
    return proc.pid


def _end(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def _paramiko_connect(server: str, keyfile: str | None, password: str | None,
                      timeout: float) -> Any:
    if _paramiko is None:
        raise ImportError("paramiko is not installed: use the ssh command (paramiko=False)")
    user, host, port = _split_server(server)
    client = _paramiko.SSHClient()
    client.load_system_host_keys()
    client.set_missing_host_key_policy(_paramiko.WarningPolicy())
    try:
        client.connect(host, port or 22, username=user, key_filename=keyfile,
                       password=password, look_for_keys=True, timeout=timeout)
    except _paramiko.AuthenticationException:
        client.close()
        if password is None:
            return None
        raise
    return client


def _pump(a: Any, b: Any) -> None:
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for end in (a, b):
            try:
                end.close()
            except OSError:
                pass


def paramiko_tunnel(lport: int, rport: int, server: str, remoteip: str = "127.0.0.1",
                    keyfile: str | None = None, password: str | None = None,
                    timeout: float = 60) -> threading.Thread:
    """Like openssh_tunnel, with paramiko; returns the (daemon) thread that accepts on
    ``127.0.0.1:lport``. It stops accepting after ``timeout`` idle seconds."""
    client = _paramiko_connect(server, keyfile, password, timeout)
    if client is None:
        raise SSHException(f"{server} refused a login without a password")
    listener = _pysocket.create_server(("127.0.0.1", lport))
    listener.settimeout(timeout)
    transport = client.get_transport()

    def serve() -> None:
        try:
            while True:
                try:
                    conn, peer = listener.accept()
                except OSError:  # idle for `timeout` seconds
                    break
                chan = transport.open_channel("direct-tcpip", (remoteip, rport), peer)
                for a, b in ((conn, chan), (chan, conn)):
                    threading.Thread(target=_pump, args=(a, b), daemon=True).start()
        finally:
            listener.close()

    thread = threading.Thread(target=serve, name=f"greenzmq-ssh-tunnel-{lport}", daemon=True)
    thread.start()
    return thread


def open_tunnel(addr: str, server: str, keyfile: str | None = None,
                password: str | None = None, paramiko: bool | None = None,
                timeout: int = 60) -> tuple[str, Any]:
    """Open a tunnel to ``addr`` (``tcp://ip:port`` as seen from ``server``).

    Returns ``(local_url, tunnel)``: connect to ``local_url``; ``tunnel`` is the ssh pid
    (or paramiko's thread).
    """
    transport, sep, hostport = addr.partition("://")
    if transport != "tcp" or not sep:
        raise ValueError(f"only tcp:// endpoints can be tunnelled, not {addr!r}")
    ip, _, port = hostport.rpartition(":")
    if not ip or not port.isdigit():
        raise ValueError(f"{addr!r} is not tcp://host:port")
    lport = select_random_ports(1)[0]
    if paramiko is None:
        paramiko = sys.platform == "win32"
    make = paramiko_tunnel if paramiko else openssh_tunnel
    tunnel = make(lport, int(port), server, remoteip=ip, keyfile=keyfile, password=password,
                  timeout=timeout)
    return f"tcp://127.0.0.1:{lport}", tunnel


def tunnel_connection(socket: Any, addr: str, server: str, keyfile: str | None = None,
                      password: str | None = None, paramiko: bool | None = None,
                      timeout: int = 60) -> Any:
    """Connect ``socket`` to ``addr`` through an SSH tunnel via ``server``; return the
    tunnel (see open_tunnel)."""
    url, tunnel = open_tunnel(addr, server, keyfile=keyfile, password=password,
                              paramiko=paramiko, timeout=timeout)
    socket.connect(url)
    return tunnel
