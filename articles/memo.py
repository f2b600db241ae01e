"""Read once per page. A review page asks the same questions of one article and one person
many times over (each button's guards: who wrote it, its newest revision, the sign-off policy,
the reviewer's disclosure). Within `reading()`, a read decorated with `read_once` is kept by its
arguments for the rest of the block; outside it (every move, every POST, every task) each call
reads afresh, so nothing that writes can see a stale answer.
"""

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models

_kept: ContextVar[dict | None] = ContextVar("vetted_reads", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """A block that only reads (a page being rendered): decorated reads are kept in it."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def read_once[**P, R](read: Callable[P, R]) -> Callable[P, R]:
    signature = inspect.signature(read)

    @functools.wraps(read)
    def kept_read(*args: P.args, **kwargs: P.kwargs) -> R:
        kept = _kept.get()
        if kept is None:
            return read(*args, **kwargs)
        # By the arguments as the read sees them: `f(a)`, `f(a, None)` and `f(a, b=None)` are
        # one read when None is b's default.
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        key = (read, *((name, _key(v)) for name, v in bound.arguments.items()))
        try:
            return kept[key]
        except KeyError:
            kept[key] = found = read(*args, **kwargs)
            return found
        except TypeError:  # an argument that cannot be a key: read it
            return read(*args, **kwargs)

    return kept_read


def _key(value):
    """A saved row by its model and primary key (the same row however it was fetched)."""
    if isinstance(value, models.Model):
        return (value._meta.label, value.pk)
    return value
