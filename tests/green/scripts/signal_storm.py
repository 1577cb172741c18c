"""No wake-up is lost when a signal handler raises in the middle of a wait: four greenlets
share one DEALER while a 0.3 ms itimer's handler raises inside their send/recv calls.
Afterwards every greenlet must still get its replies.

Usage: python signal_storm.py gevent|eventlet [seconds]. Prints one JSON line; exit 0 when
all replies of the calm phase arrived and nothing stayed parked.
"""
import json
import os
import signal
import sys
import threading
import time

import greenlet

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
import toolbox  # noqa: E402 - tests/ on the path first

hub = toolbox.get(sys.argv[1])
zmq = hub.zmq
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.5

import greenzmq  # noqa: E402 - after the hub's module


class Interrupt(Exception):
    pass


live = set()  # greenlets inside a send/recv: the handler raises only in them
count = {"raised": 0}


def handler(signum, frame):
    if greenlet.getcurrent() in live:
        count["raised"] += 1
        raise Interrupt()


# the echo runs in a real thread on plain sockets (signals only reach the main thread)
plain = greenzmq.Context()
router = plain.socket(greenzmq.ROUTER)
router.linger = 0
port = router.bind_to_random_port("tcp://127.0.0.1")
stop_echo = threading.Event()


def echo():
    router.rcvtimeo = 100
    while not stop_echo.is_set():
        try:
            router.send_multipart(router.recv_multipart())
        except greenzmq.Again:
            pass


threading.Thread(target=echo, daemon=True).start()

ctx = zmq.Context()
dealer = ctx.socket(zmq.DEALER)
dealer.linger = 0
dealer.connect(f"tcp://127.0.0.1:{port}")
stormy = True
calm_replies = [0] * 4


def worker(i):
    me = greenlet.getcurrent()
    while stormy:
        try:
            live.add(me)  # from here the handler may raise in this greenlet
            dealer.send(b"%d" % i)
            dealer.recv()
        except Interrupt:
            pass
        finally:
            live.discard(me)
    for _ in range(20):  # the calm phase: each request must get a reply
        dealer.send(b"%d" % i)
        dealer.recv()
        calm_replies[i] += 1


gs = [hub.spawn(worker, i) for i in range(4)]
signal.signal(signal.SIGALRM, handler)
signal.setitimer(signal.ITIMER_REAL, 0.0003, 0.0003)
end = time.monotonic() + seconds
while time.monotonic() < end:
    hub.sleep(0.01)
signal.setitimer(signal.ITIMER_REAL, 0, 0)
stormy = False
deadline = time.monotonic() + 15
ok = all(g.join(max(0, deadline - time.monotonic())) for g in gs)
st = dealer._gs
out = {"hub": hub.name, "raised": count["raised"], "calm_replies": calm_replies, "joined": ok,
       "nwait": st.nwait, "queued": len(st.rq) + len(st.sq)}
print(json.dumps(out), flush=True)
stop_echo.set()
os._exit(0 if ok and calm_replies == [20] * 4 and st.nwait == 0 else 1)
