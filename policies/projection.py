"""The last gate: the merged view is cut down to the allowed paths before it leaves.

Connectors and filters already minimise, but a connector bug or a register that
sends more than it was asked must never leak a field. So the projection keeps a
value only when its path is allowed AND known to the view tree; at a leaf only
plain JSON scalars (or lists of them) pass, so an unexpected object hiding under
a known name is dropped too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from policies import viewpaths
from policies.viewpaths import Tree

_LEAF = None


def allowed_tree(paths: Iterable[str], view: Tree = viewpaths.VIEW) -> Tree:
    """The view tree (a person's, or `view` an ondernemer's) restricted to `paths`, with
    the secrecy flags of present records."""
    paths = set(paths)
    sections = {viewpaths.section_of(p) for p in paths}
    paths |= {
        p
        for p in viewpaths.ALWAYS_WITH_RECORD
        if viewpaths.section_of(p) in sections and viewpaths.exists(p, view)
    }
    tree: Tree = {}
    for path in sorted(paths):
        node = tree
        parts = path.split(".")
        for part in parts[:-1]:
            existing = node.get(part)
            if existing is _LEAF and part in node:
                break  # a shorter path already allows all of it
            node = node.setdefault(part, {})
        else:
            node[parts[-1]] = _copy(viewpaths.subtree(path, view))
    return tree


def project(value: Any, tree: Tree | None) -> Any:
    """Keep only what `tree` allows; `tree is None` is an allowed leaf."""
    if tree is None:
        return _scalar_or_drop(value)
    if isinstance(value, list):
        items = [project(item, tree) for item in value]
        return [item for item in items if not _empty(item)]
    if not isinstance(value, dict):
        return _DROP
    result: dict[str, Any] = {}
    for key, sub in tree.items():
        if key in value:
            projected = project(value[key], sub)
            # A group with nothing allowed left in it is left out, not sent
            # empty: an empty shell would still say that the record exists.
            if not (projected is _DROP or (sub is not None and _empty(projected))):
                result[key] = projected
    return result


def _empty(value: Any) -> bool:
    return value is _DROP or (isinstance(value, dict | list) and not value)


class _Drop:
    def __repr__(self) -> str:
        return "<dropped>"


_DROP = _Drop()


def _scalar_or_drop(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list) and all(
        v is None or isinstance(v, str | int | float | bool) for v in value
    ):
        return list(value)
    return _DROP


def _copy(tree: Any) -> Any:
    if tree is None:
        return None
    return {k: _copy(v) for k, v in tree.items()}


def delivered_paths(value: Any, prefix: str = "") -> frozenset[str]:
    """The leaf paths present in a view (lists transparent): what the audit records."""
    found: set[str] = set()
    _collect(value, prefix, found)
    return frozenset(found)


def _collect(value: Any, prefix: str, found: set[str]) -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(sub, dict | list) and sub and not _is_scalar_list(sub):
                _collect(sub, path, found)
            else:
                found.add(path)
    elif isinstance(value, list):
        for item in value:
            _collect(item, prefix, found)
    elif prefix:
        found.add(prefix)


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)
