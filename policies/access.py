"""Which callers may use which doel: deployment configuration beside the doelen.

A rule grants a set of doelen to every token that carries a scope, or a role.
Kept out of the doel files on purpose: the doel says what a purpose may see,
the deployment says who may invoke it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class AccessRule:
    scope: str | None
    rol: str | None
    doelen: frozenset[str]

    def grants(self, scopes: Iterable[str], rollen: Iterable[str]) -> bool:
        if self.scope is not None:
            return self.scope in set(scopes)
        return self.rol in set(rollen)


def allowed_doelen(
    rules: Iterable[AccessRule], scopes: Iterable[str], rollen: Iterable[str]
) -> frozenset[str]:
    scopes, rollen = tuple(scopes), tuple(rollen)
    granted: set[str] = set()
    for rule in rules:
        if rule.grants(scopes, rollen):
            granted |= rule.doelen
    return frozenset(granted)
