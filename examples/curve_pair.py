"""A CURVE-secured PAIR: traffic is encrypted, and a ZAP authenticator lets in only the
clients whose public certificate is in a trusted directory.

Run: python examples/curve_pair.py [-n COUNT]
Exits 0 once the trusted client's messages went through encrypted and an unknown
client was refused.
"""
from __future__ import annotations

import argparse
import os
import tempfile

import greenzmq as zmq
from greenzmq.auth import create_certificates, load_certificate
from greenzmq.auth.thread import ThreadAuthenticator


def make_client(ctx: zmq.Context, addr: str, server_public: bytes, keys: tuple[bytes, bytes],
                ) -> zmq.Socket:
    public, secret = keys
    client = ctx.socket(zmq.PAIR)
    client.setsockopt(zmq.LINGER, 0)
    client.setsockopt(zmq.CURVE_SERVERKEY, server_public)
    client.setsockopt(zmq.CURVE_PUBLICKEY, public)
    client.setsockopt(zmq.CURVE_SECRETKEY, secret)
    client.connect(addr)
    return client


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=20, help="messages each way")
    args = parser.parse_args(argv)
    if not zmq.has("curve"):
        print("curve_pair: this libzmq has no CURVE support")
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        trusted = os.path.join(tmp, "trusted")
        os.mkdir(trusted)
        # certificates on disk, as a deployment would have them; only the client's public
        # half goes into the trusted directory
        _, server_secret_file = create_certificates(tmp, "server")
        client_public_file, client_secret_file = create_certificates(tmp, "client")
        os.replace(client_public_file, os.path.join(trusted, "client.key"))
        server_public, server_secret = load_certificate(server_secret_file)
        client_public, client_secret = load_certificate(client_secret_file)
        if server_secret is None or client_secret is None:
            print("curve_pair: a secret certificate without its secret key")
            return 1

        ctx = zmq.Context()
        auth = ThreadAuthenticator(ctx)
        auth.start()
        auth.configure_curve(domain="*", location=trusted)
        try:
            server = ctx.socket(zmq.PAIR)
            server.setsockopt(zmq.LINGER, 0)
            server.setsockopt(zmq.CURVE_SERVER, 1)
            server.setsockopt(zmq.CURVE_SECRETKEY, server_secret)
            server.setsockopt(zmq.RCVTIMEO, 5000)
            addr = f"tcp://127.0.0.1:{server.bind_to_random_port('tcp://127.0.0.1')}"

            # a client with keys the server does not trust: the handshake fails and
            # nothing it sends arrives
            stranger = make_client(ctx, addr, server_public, zmq.curve_keypair())
            stranger.send(b"let me in")

            client = make_client(ctx, addr, server_public, (client_public, client_secret))
            client.setsockopt(zmq.RCVTIMEO, 5000)
            for i in range(args.count):
                client.send_string(f"secret {i}")
                frame = server.recv(copy=False)
                text = frame.bytes.decode()
                if text != f"secret {i}":
                    print(f"curve_pair: server got {text!r}")
                    return 1
                # libzmq tags each message with the authenticated peer's user id
                if frame.get("User-Id") != client_public.decode():
                    print(f"curve_pair: unexpected User-Id {frame.get('User-Id')!r}")
                    return 1
                server.send_string(text.upper())
                if client.recv_string() != f"SECRET {i}":
                    return 1
            if server.poll(200, zmq.POLLIN):
                print("curve_pair: a message from the untrusted client got through")
                return 1
            for s in (stranger, client, server):
                s.close()
        finally:
            auth.stop()
            ctx.term()
    print(f"curve_pair: {args.count} encrypted round trips; the unknown client was refused")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
