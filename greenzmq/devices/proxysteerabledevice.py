"""pyzmq's module path for the steerable proxy devices (they live in proxydevice)."""
from greenzmq.devices.proxydevice import (
    ProcessProxySteerable,
    ProxySteerable,
    ProxySteerableBase,
    ThreadProxySteerable,
)

__all__ = ["ProxySteerable", "ThreadProxySteerable", "ProcessProxySteerable", "ProxySteerableBase"]
