"""Benchmarks: greenzmq against pyzmq, zmq.green and eventlet.green.zmq, side by side.

Run ``python -m greenzmq.perf`` (``--quick``, ``--full``, ``--only LABEL ...``,
``--help``). ``suite`` drives the runs and prints the report; ``workloads``
is the per-run worker, executed as a script in a process of its own.
"""
from greenzmq.perf.suite import main

__all__ = ["main"]
