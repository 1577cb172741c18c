"""Start-up hook of ``python -m greenzmq run``: its directory is put first on PYTHONPATH,
so every child Python process imports this and installs greenzmq as ``zmq`` too.

Any other ``sitecustomize`` this one hides (a distribution's, a virtualenv's) runs after.
"""
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
del sys.modules["sitecustomize"]
try:
    import sitecustomize  # type: ignore[import-not-found]  # noqa: F401  (the hidden one)
except ImportError:
    pass

try:
    from greenzmq._install import _from_environment
except ImportError:  # a Python without greenzmq (another version, another venv)
    pass
else:
    _from_environment()
