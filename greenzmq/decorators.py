"""Decorators that give a function a Context or Socket for the length of one call.

pyzmq's ``zmq.decorators`` under greenzmq's name::

    from greenzmq.decorators import context, socket

    @context()
    @socket(greenzmq.PUSH)
    def work(ctx, push):
        ...

The object is made when the decorated function is called and closed (the socket) or
terminated (the context) when it returns. It is passed as the keyword argument named by
``name`` (a leading str argument, or ``name=...``), else appended to the positional
arguments. Other arguments of the decorator go to ``Context(...)`` or ``ctx.socket(...)``.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

__all__ = ["context", "socket"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _split_name(args: tuple, kwargs: dict) -> tuple[str | None, tuple, dict]:
    kwargs = dict(kwargs)
    name = kwargs.pop("name", None)
    if not isinstance(name, str):
        if name is not None:  # not ours: give it back to the factory
            kwargs["name"] = name
        name = None
        if args and isinstance(args[0], str):
            name, args = args[0], args[1:]
    return name, args, kwargs


def _decorate(name: str | None, factory: Callable[[tuple, dict], Any]) -> Callable[[_F], _F]:
    def decorator(func: _F) -> _F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if name is not None and name in kwargs:
                raise TypeError(f"{func.__name__}() got multiple values for argument {name!r}")
            with factory(args, kwargs) as obj:
                if name is not None:
                    kwargs[name] = obj
                else:
                    args = args + (obj,)
                return func(*args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorator


def context(*args: Any, **kwargs: Any) -> Callable[[_F], _F]:
    """Give the decorated function a new ``greenzmq.Context(*args, **kwargs)`` per call.

    Parameters
    ----------
    name : str, optional
        Keyword argument that receives the context (also accepted as the first
        positional argument); without it the context is appended to the positional ones.
    """
    from greenzmq import Context

    name, args, kwargs = _split_name(args, kwargs)
    return _decorate(name, lambda a, kw: Context(*args, **kwargs))


def socket(*args: Any, **kwargs: Any) -> Callable[[_F], _F]:
    """Give the decorated function a new socket per call (``ctx.socket(*args, **kwargs)``).

    The context is the call's keyword argument ``context_name`` (default ``"context"``) if
    that is a Context, else its first positional Context, else ``Context.instance()``.

    Parameters
    ----------
    name : str, optional
        Keyword argument that receives the socket (also the first positional argument).
    context_name : str, optional
        Keyword argument of the decorated function that may hold the context.
    """
    from greenzmq import Context

    name, args, kwargs = _split_name(args, kwargs)
    context_name = kwargs.pop("context_name", "context")

    def make(call_args: tuple, call_kwargs: dict) -> Any:
        ctx = call_kwargs.get(context_name)
        if not isinstance(ctx, Context):
            ctx = next((a for a in call_args if isinstance(a, Context)), None)
        if ctx is None:
            ctx = Context.instance()
        return ctx.socket(*args, **kwargs)

    return _decorate(name, make)
