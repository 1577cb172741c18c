"""The test toolbox itself: pair() over every transport with its options on both sockets,
and every hub face spawning a task that waits on a pair."""
import pytest

import greenzmq as zmq
import toolbox


@pytest.mark.timeout(10)
@pytest.mark.parametrize("transport", ["inproc", "ipc", "tcp"])
def test_pair_connects_over_each_transport(pair, transport):
    a, b = pair(zmq.PUSH, zmq.PULL, transport, sndhwm=3, rcvhwm=3)
    assert (a.sndhwm, a.rcvhwm, b.sndhwm, b.rcvhwm) == (3, 3, 3, 3)
    a.send(b"x")
    assert b.poll(5000) and b.recv() == b"x"


@pytest.mark.timeout(10)
@pytest.mark.parametrize("hub", toolbox.HUBS, indirect=True)
def test_every_hub_spawns_a_task_that_waits_on_a_pair(hub):
    pull, push = hub.pair(hub.zmq.PULL, hub.zmq.PUSH)
    task = hub.spawn(pull.recv)
    push.send(b"y")
    assert task.get(5) == b"y" and task.dead
