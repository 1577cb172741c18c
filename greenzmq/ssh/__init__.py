"""SSH tunnels for ZeroMQ connections (pyzmq's ``zmq.ssh`` under greenzmq's name)."""
from greenzmq.ssh.tunnel import *  # noqa: F401,F403
from greenzmq.ssh.tunnel import __all__  # noqa: F401
