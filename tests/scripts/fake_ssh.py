#!/usr/bin/env python3
"""A stand-in for the ssh client (tests of greenzmq.ssh): honours ``-L lhost:lport:rhost:rport``
by forwarding locally, records its argv in $FAKE_SSH_LOG, and lives ``sleep N`` seconds."""
import os
import socket
import sys
import threading
import time

args = sys.argv[1:]
with open(os.environ["FAKE_SSH_LOG"], "a") as f:
    f.write(" ".join(args) + "\n")
if "-L" not in args:
    sys.exit(0 if "exit" in args else 1)
lhost, lport, rhost, rport = args[args.index("-L") + 1].split(":")
seconds = float(args[args.index("sleep") + 1])
listener = socket.create_server((lhost, int(lport)))


def pump(a, b):
    try:
        while data := a.recv(65536):
            b.sendall(data)
    except OSError:
        pass
    finally:
        a.close()
        b.close()


def serve():
    while True:
        conn, _ = listener.accept()
        remote = socket.create_connection((rhost, int(rport)))
        threading.Thread(target=pump, args=(conn, remote), daemon=True).start()
        threading.Thread(target=pump, args=(remote, conn), daemon=True).start()


threading.Thread(target=serve, daemon=True).start()
time.sleep(seconds)
