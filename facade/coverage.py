"""Do the configured registers serve the doelen? The cross-check of settings and doelen.

A doel names the kinds of register it reads (`bronnen`) and those it cannot do
without (`verplicht`). Settings and doelen are each valid on their own, but a
`verplicht` kind with no register means every klantbeeld of that doel fails, and a
`bronnen` kind with no register silently narrows the view, and a doel with
`[toestemming.*]` and no consent register never widens. All are said at start and
by `klantbeeld check-config`: the first refuses, the others warn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from connectors import toestemming
from facade.settings import RegisterSettings
from policies.loader import PolicySet

CONSENT_KIND = toestemming.SOURCE.soort


@dataclass(frozen=True)
class Coverage:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def register_coverage(registers: Sequence[RegisterSettings], policies: PolicySet) -> Coverage:
    configured = {r.soort for r in registers}
    coverage = Coverage()
    for doel in sorted(policies.doelen.values(), key=lambda d: d.id):
        for soort in sorted(doel.bronnen - configured):
            kind = policies.kinds.get(soort)
            where = f"{doel.bestand}: doel '{doel.id}'"
            hint = f'no [[registers]] entry has soort = "{soort}" ({kind.titel})'
            if soort in doel.verplicht:
                coverage.errors.append(
                    f"{where}: verplicht '{soort}': {hint}, so every klantbeeld of this "
                    "doel would fail"
                )
            else:
                coverage.warnings.append(
                    f"{where}: bron '{soort}': {hint}; the doel is served without it"
                )
        if doel.toestemmingen and CONSENT_KIND not in configured:
            names = ", ".join(t.naam for t in doel.toestemmingen)
            coverage.warnings.append(
                f"{doel.bestand}: doel '{doel.id}': toestemming ({names}): no [[registers]] "
                f'entry has soort = "{CONSENT_KIND}", so no consent is ever read and the doel '
                "always shows its base view"
            )
    return coverage
