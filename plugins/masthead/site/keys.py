"""The key of a page is its context: a digest of exactly the values its template is given.

A value is keyed by what it shows: plain values as they are, the site's view objects (views.py)
by their `key`, lists and dicts by their items. Anything else is refused: a plan that hands a
template an object nobody can key would make incremental builds differ from full ones.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

_PLAIN = (str, int, float, bool, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)
LONG_LIST = 64  # a list this long is keyed once per build (every story of the site, a tag's)


class ContextKeys:
    """Keys of page contexts for one build. Long lists handed to many pages (the site's stories,
    each tag's) are keyed once: the plan never changes them after it made them."""

    def __init__(self) -> None:
        self.lists: dict[int, tuple[object, str]] = {}  # id -> (the list, kept so its id is not reused; key)

    def of(self, context: dict) -> str:
        return hashlib.sha256(self.value(context).encode("utf-8", "surrogatepass")).hexdigest()

    def value(self, value) -> str:
        kind = type(value)  # exact types first: a large site keys millions of values per build
        if kind in _PLAIN_TYPES:
            return repr(value)
        if kind is tuple or kind is list:
            return self._sequence(value)
        if kind is dict:
            return self._mapping(value)
        # subclasses: lists and dicts by their items whatever attributes they have
        if isinstance(value, (list, tuple)):
            return self._sequence(value)
        if isinstance(value, dict):
            return self._mapping(value)
        key = getattr(value, "key", None)
        if isinstance(key, str):
            return key
        if isinstance(value, _PLAIN):  # Markup is a str
            return repr(value)
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        raise TypeError(f"a page context holds a {type(value).__name__}, which has no key: give templates "
                        "plain values or the site's view objects (masthead.site.views)")

    def _sequence(self, value: list | tuple) -> str:
        if len(value) < LONG_LIST:
            return "[" + ",".join(self.value(item) for item in value) + "]"
        found = self.lists.get(id(value))
        if found is None:
            shown = ",".join(self.value(item) for item in value)
            digest = hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()
            found = self.lists[id(value)] = (value, digest)
        return f"[{len(value)}:{found[1]}]"

    def _mapping(self, value: dict) -> str:
        if all(type(k) is str for k in value):  # a context: sorted by its names as they are
            return "{" + ",".join(f"{k!r}:{self.value(value[k])}" for k in sorted(value)) + "}"
        items = sorted(value.items(), key=lambda item: repr(item[0]))
        return "{" + ",".join(f"{k!r}:{self.value(v)}" for k, v in items) + "}"
