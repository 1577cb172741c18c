#: greenzmq's own release (the distribution's version; also greenzmq.greenzmq_version())
greenzmq_version = "0.1.0"
#: the pyzmq API level this release implements: what ``greenzmq.__version__`` and
#: ``pyzmq_version()`` answer, so that version checks written for pyzmq pass (design notes)
pyzmq_api_version = "27.3.0"
__version__ = greenzmq_version  # setup.cfg reads the distribution's version from here
