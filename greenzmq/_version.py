__version__ = "0.1.0"
#: the pyzmq API level this release implements (see pyzmq_version())
pyzmq_api_version = "27.3.0"
