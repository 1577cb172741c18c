"""0MQ devices: run a queue, forwarder, streamer or proxy in the foreground, in a real OS
thread, or in a child process (pyzmq's ``zmq.devices``)."""
from greenzmq.core._zmq import device, monitored_queue, proxy, proxy_steerable
from greenzmq.devices import basedevice, monitoredqueue, monitoredqueuedevice, proxydevice
from greenzmq.devices.basedevice import BackgroundDevice, Device, ProcessDevice, ThreadDevice
from greenzmq.devices.monitoredqueuedevice import (
    MonitoredQueue,
    ProcessMonitoredQueue,
    ThreadMonitoredQueue,
)
from greenzmq.devices.proxydevice import (
    ProcessProxy,
    ProcessProxySteerable,
    Proxy,
    ProxySteerable,
    ThreadProxy,
    ThreadProxySteerable,
)

__all__ = [
    "device", "proxy", "proxy_steerable", "monitored_queue",
    "Device", "BackgroundDevice", "ThreadDevice", "ProcessDevice",
    "Proxy", "ThreadProxy", "ProcessProxy",
    "ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable",
    "MonitoredQueue", "ThreadMonitoredQueue", "ProcessMonitoredQueue",
]
