"""The categories of personal data a doel may deliver, in words a resident reads.

The inzage (`GET /api/v1/mijn-verwerkingen`) and the Verwerkingenlogging record
(`verwerkteSoortenGegevens`) name what was looked at by category, not by field
path: "persoonsgegevens", not `klant.naam.volledigeNaam`. Derived from the doel's
own paths, so a category is listed only when the doel may deliver something in it.
"""

from __future__ import annotations

from policies.model import Doel
from policies.viewpaths import KLANT_CONTACT_PATHS, section_of

PERSOONSGEGEVENS = "persoonsgegevens"
BEDRIJFSGEGEVENS = "bedrijfsgegevens"  # an ondernemer's klant: the Handelsregister
CONTACTGEGEVENS = "contactgegevens"
ZAKEN = "zaken"
CONTACTHISTORIE = "contacthistorie"
TOESTEMMINGEN = "toestemmingen"  # the person's own registered consents
# The inzage itself delivers no view section: it shows the resident's own records.
VERWERKINGEN = "verwerkingen"

# The fixed order the categories are listed in.
ORDER = (
    PERSOONSGEGEVENS, BEDRIJFSGEGEVENS, CONTACTGEGEVENS, TOESTEMMINGEN, ZAKEN, CONTACTHISTORIE,
)  # fmt: skip
_SECTIONS = {"zaken": ZAKEN, "contactmomenten": CONTACTHISTORIE}


def categorieen(doel: Doel, *, ondernemer: bool = False) -> tuple[str, ...]:
    """The categories of `doel`'s paths (of its ondernemer paths for a kvkNummer)."""
    source = doel.ondernemer if ondernemer and doel.ondernemer is not None else doel
    found = {_category(path, ondernemer=ondernemer) for path in source.velden}
    return tuple(name for name in ORDER if name in found)


def _category(path: str, *, ondernemer: bool) -> str:
    section = section_of(path)
    if section != "klant":
        return _SECTIONS[section]
    if any(path == contact or path.startswith(contact + ".") for contact in KLANT_CONTACT_PATHS):
        return CONTACTGEGEVENS
    if path == "klant.toestemmingen" or path.startswith("klant.toestemmingen."):
        return TOESTEMMINGEN
    return BEDRIJFSGEGEVENS if ondernemer else PERSOONSGEGEVENS
