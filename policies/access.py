"""Which callers may use which doel: deployment configuration beside the doelen.

A rule grants a set of doelen to every token that carries a scope, or a role.
Kept out of the doel files on purpose: the doel says what a purpose may see,
the deployment says who may invoke it. Each rule names its `afnemer`: who is
looking, as the resident reads it in their inzage (an organisation unit or a
kind of caller such as "Klantcontactcentrum (KCC)", never a staff member).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class AccessRule:
    scope: str | None
    rol: str | None
    doelen: frozenset[str]
    afnemer: str = ""

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


def afnemer_of(
    rules: Iterable[AccessRule], scopes: Iterable[str], rollen: Iterable[str], doel_id: str
) -> str:
    """The label of the first rule that grants this caller `doel_id`; "" when none does."""
    scopes, rollen = tuple(scopes), tuple(rollen)
    for rule in rules:
        if doel_id in rule.doelen and rule.grants(scopes, rollen):
            return rule.afnemer
    return ""
