"""Publish/subscribe: one publisher, two subscribers with different topic filters.

The publisher is an XPUB socket, which hears each subscription: it waits until both
subscribers have joined before publishing, so no message is lost to the "slow joiner"
(a SUB that connects after the first messages went out never sees them).

Run: python examples/pubsub.py [-n COUNT]
Exits 0 once each subscriber got exactly the messages of its topic.
"""
from __future__ import annotations

import argparse
import threading

import greenzmq as zmq

TOPICS = ("weather", "sport")


def subscriber(ctx: zmq.Context, addr: str, topic: str, got: dict[str, list[str]]) -> None:
    with ctx.socket(zmq.SUB) as sub:
        sub.setsockopt(zmq.RCVTIMEO, 5000)
        sub.subscribe(topic)
        sub.connect(addr)
        received: list[str] = []
        while True:
            name, body = sub.recv_multipart()
            if body == b"END":
                break
            received.append(body.decode())
        got[topic] = received


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--count", type=int, default=100, help="messages per topic")
    args = parser.parse_args(argv)

    ctx = zmq.Context()
    pub = ctx.socket(zmq.XPUB)
    pub.setsockopt(zmq.RCVTIMEO, 5000)
    addr = f"tcp://127.0.0.1:{pub.bind_to_random_port('tcp://127.0.0.1')}"
    got: dict[str, list[str]] = {}
    threads = [threading.Thread(target=subscriber, args=(ctx, addr, t, got)) for t in TOPICS]
    for t in threads:
        t.start()
    try:
        # each subscription arrives as b"\x01" + topic
        joined = {pub.recv()[1:].decode() for _ in TOPICS}
        if joined != set(TOPICS):
            print(f"unexpected subscriptions {joined}")
            return 1
        for i in range(args.count):
            for topic in TOPICS:
                pub.send_multipart([topic.encode(), f"{topic} {i}".encode()])
        for topic in TOPICS:
            pub.send_multipart([topic.encode(), b"END"])
    finally:
        for t in threads:
            t.join()
        pub.close()
        ctx.term()
    for topic in TOPICS:
        expected = [f"{topic} {i}" for i in range(args.count)]
        if got.get(topic) != expected:
            print(f"{topic}: got {len(got.get(topic, []))} messages, not the {args.count} expected")
            return 1
    print(f"pubsub: {len(TOPICS)} subscribers got {args.count} messages each")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
