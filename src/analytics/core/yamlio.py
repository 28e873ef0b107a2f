"""YAML read the careful way: safe types only, no duplicate keys, few aliases.

Used for every YAML file a user writes (briefings, ``pack.yaml``, locale and assumptions
files): a key given twice is an error (not "the last one wins"), and more than
:data:`MAX_ALIASES` aliases stop reading at once (an "alias bomb" cannot fill memory).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

import yaml

MAX_ALIASES = 100
#: Most values a YAML text may expand to once its aliases are followed.
MAX_VALUES = 200_000


class YamlProblem(ValueError):
    """A YAML text that is valid YAML but not acceptable (duplicate keys, too many aliases)."""


#: libyaml's parser where PyYAML was built with it (its wheels are), else the pure-Python one.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_BASE):
    """A safe loader that refuses duplicate keys (aliases are counted first, by :func:`_check_aliases`)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                if key in seen:
                    raise YamlProblem(f"line {key_node.start_mark.line + 1}: key {key!r} is given twice "
                                      f"(first on line {seen[key]})")
                seen[key] = key_node.start_mark.line + 1
            except TypeError:  # an unhashable key: let PyYAML report it
                pass
        return super().construct_mapping(node, deep=deep)


def _check_aliases(text: str) -> None:
    """Refuse more than :data:`MAX_ALIASES` aliases, or aliases that expand to more than :data:`MAX_VALUES`
    values (aliases nested in aliases multiply), before anything is built (a parse of events only)."""
    count, sizes, stack, stack_anchor = 0, {}, [0], []
    for event in yaml.parse(text, Loader=_BASE):
        if isinstance(event, yaml.AliasEvent):
            count += 1
            if count > MAX_ALIASES:
                raise YamlProblem(f"line {event.start_mark.line + 1}: more than {MAX_ALIASES} YAML aliases; "
                                  "write the values out instead")
            stack[-1] += sizes.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            stack[-1] += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append(0)
            stack_anchor.append(event.anchor)
        elif isinstance(event, yaml.CollectionEndEvent):
            size, anchor = stack.pop() + 1, stack_anchor.pop()
            if anchor:
                sizes[anchor] = size
            stack[-1] += size
        if stack[-1] > MAX_VALUES:
            raise YamlProblem(f"line {event.start_mark.line + 1}: YAML aliases here expand to more than "
                              f"{MAX_VALUES:,} values; write the values out instead")


def load(text: str) -> Any:
    """Parse YAML text with :class:`Loader` (a text read before is parsed once: a notebook reads its pack's
    assumptions file several times; each caller gets its own copy).

    Raises
    ------
    YamlProblem
        For a duplicate key or too many aliases.
    yaml.YAMLError
        For text that is not valid YAML.
    """
    return copy.deepcopy(_parsed(text))


@lru_cache(maxsize=32)
def _parsed(text: str) -> Any:
    return _read(text, "get_single_data")


def compose(text: str) -> yaml.Node | None:
    """The node tree of YAML text (for line numbers), with the same alias limit."""
    return _read(text, "get_single_node")


def _read(text: str, what: str):
    """Count the aliases, then read ``text`` with :class:`Loader`'s method ``what``."""
    _check_aliases(text)
    loader = Loader(text)
    try:
        return getattr(loader, what)()
    finally:
        loader.dispose()


def one_line(exc: Exception) -> str:
    """A YAML error as one line."""
    return " ".join(str(exc).split())
