"""What is worked out from a text alone (its reading grade, its words as a reader sees them, its
rendering for a comparison), kept per process for the texts read last.

The review page reads the same default text and reader versions several times over (readability,
passage comments, the facts across languages) and again on the next request; a text never
changes under its own value, so the answer stays right however long it is kept. The least
recently read go first, so the memory is bounded by `TEXTS_KEPT` answers.
"""

import functools
from collections.abc import Callable

TEXTS_KEPT = 128


def of_the_text[**P, R](function: Callable[P, R]) -> Callable[P, R]:
    """Keep `function`'s answers: it must depend on its (hashable) arguments alone, and its
    answer must not be changed by a caller (frozen dataclasses, strings, tuples)."""
    return functools.lru_cache(maxsize=TEXTS_KEPT)(function)  # type: ignore[return-value]
