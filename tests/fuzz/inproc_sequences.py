"""Hypothesis over short call sequences of four sockets on two inproc names.

Binds, connects, sends, receives, closes and unbinds in every order, with every socket type
(STREAM too), where name collisions are dense: that is where libzmq 4.3's inproc
assertions live (docs/faults.rst). Legal-looking sequences must raise, never abort.

    python tests/fuzz/inproc_sequences.py [EXAMPLES]

It runs in an interpreter of its own (tests/fuzz/test_fuzz_driver.py): an abort is a failed
test, not a dead test run. Each example goes to stderr before it runs, so the last line
before a crash is the sequence that crashed; prints ``ok`` when every example raised only
expected errors.
"""
from __future__ import annotations

import sys

from hypothesis import HealthCheck, given, settings, strategies as st

import greenzmq as zmq

EXPECTED = (zmq.ZMQError, TypeError, ValueError, OverflowError, BufferError, KeyError)
TYPES = [zmq.PAIR, zmq.PUB, zmq.SUB, zmq.REQ, zmq.REP, zmq.DEALER, zmq.ROUTER, zmq.PULL,
         zmq.PUSH, zmq.XPUB, zmq.XSUB, zmq.STREAM]
OPS = st.lists(st.tuples(st.sampled_from(["bind", "connect", "send", "recv", "close", "unbind"]),
                         st.integers(0, 3), st.sampled_from(["inproc://a", "inproc://b"])),
               max_size=25)


def run(ops: list, types: list) -> None:
    sys.stderr.write("types=%r ops=%r\n" % (types, ops))
    sys.stderr.flush()
    c = zmq.Context()
    socks = [c.socket(t) for t in types]
    for s in socks:
        s.sndtimeo = s.rcvtimeo = 0
        s.linger = 0
    try:
        for op, i, addr in ops:
            s = socks[i]
            try:
                if op == "send":
                    s.send_multipart([b"x", b"y"], zmq.NOBLOCK)
                elif op == "recv":
                    s.recv_multipart(zmq.NOBLOCK)
                elif op == "close":
                    s.close()
                else:
                    getattr(s, op)(addr)
            except EXPECTED:
                pass
    finally:
        c.destroy(linger=0)


def main(examples: int) -> None:
    search = settings(max_examples=examples, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))(
        given(ops=OPS, types=st.lists(st.sampled_from(TYPES), min_size=4, max_size=4))(run))
    search()
    print("ok")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
