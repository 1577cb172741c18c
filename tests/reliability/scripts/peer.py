"""The peer process the fault cases SIGKILL: ``peer.py push|dealer ENDPOINT INCARNATION [N]``.

push: bind a PUSH on ENDPOINT and send numbered messages for ever (blocking at HWM).
dealer: connect a DEALER (routing id b"peer") and make N checked round trips; print
``ok N`` once every reply came back exactly once and intact.
Messages use the format of cases.py (header with incarnation, sequence number and crc32).
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import greenzmq as zmq  # noqa: E402

from cases import message  # noqa: E402


def main() -> int:
    kind, endpoint, incarnation = sys.argv[1], sys.argv[2], int(sys.argv[3])
    ctx = zmq.Context()
    if kind == "push":
        push = ctx.socket(zmq.PUSH)
        push.bind(endpoint)
        seq = 0
        while True:
            push.send_multipart(message(incarnation, seq, 64))
            seq += 1
    count = int(sys.argv[4])
    dealer = ctx.socket(zmq.DEALER)
    dealer.routing_id = b"peer"
    dealer.rcvtimeo = 10_000
    dealer.linger = 0
    dealer.connect(endpoint)
    for seq in range(count):
        msg = message(incarnation, seq, 64)
        dealer.send_multipart(msg)
        reply = dealer.recv_multipart()
        if reply != msg:
            print(f"bad reply at {seq}", flush=True)
            return 1
    if dealer.poll(100):
        print("an extra reply arrived", flush=True)
        return 1
    print(f"ok {count}", flush=True)
    dealer.close()
    ctx.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
