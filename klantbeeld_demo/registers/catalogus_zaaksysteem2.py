"""The catalogus of the second zaaksysteem: the region's shared system, Klaverdam mid-migration.

Klaverdam is moving its sociaal-domein zaken here, so this catalogus has its own
copy of the Wmo-zaaktype (same identificatie, other URL) next to zaaktypen the
first zaaksysteem never had; the regional belastingsamenwerking registers its
zaken here too, under its own bronorganisatie.
"""

from __future__ import annotations

from collections.abc import Mapping

from klantbeeld_demo.registers.catalogus import Catalogus, Zaaktype, maak_zaaktype
from klantbeeld_demo.registers.model import stable_uuid

SYSTEEM = "zaaksysteem2"
BRONORGANISATIE_BELASTINGEN = "817341201"  # fictional RSIN of the belastingsamenwerking

WMO_MELDING = maak_zaaktype(
    "ZT-WMO-MELDING",
    "Melding Wmo-ondersteuning",
    "vertrouwelijk",
    "Onderzoeken welke ondersteuning een inwoner nodig heeft.",
    "P6W",
    (
        ("Melding ontvangen", "Wij hebben uw melding ontvangen."),
        ("Keukentafelgesprek gepland", "Wij komen graag met u in gesprek."),
        ("Onderzoek afgerond", "Het onderzoek is afgerond."),
        ("Besluit genomen", "Er is een besluit genomen over uw melding."),
    ),
    systeem=SYSTEEM,
)
WMO_HULPMIDDEL = maak_zaaktype(
    "ZT-WMO-HULPMIDDEL",
    "Aanvraag Wmo-hulpmiddel",
    "vertrouwelijk",
    "Een inwoner een hulpmiddel verstrekken, zoals een scootmobiel of rolstoel.",
    "P8W",
    (
        ("Aanvraag ontvangen", "Wij hebben uw aanvraag ontvangen."),
        ("Advies ergotherapeut", "Een ergotherapeut adviseert over het hulpmiddel."),
        ("Besluit genomen", "Er is een besluit genomen over uw aanvraag."),
    ),
    systeem=SYSTEEM,
)
KWIJTSCHELDING = maak_zaaktype(
    "ZT-KWIJTSCHELDING",
    "Verzoek kwijtschelding gemeentelijke belastingen",
    "vertrouwelijk",
    "Beoordelen of een inwoner zijn gemeentelijke belastingen niet hoeft te betalen.",
    "P8W",
    (
        ("Verzoek ontvangen", "Wij hebben uw verzoek ontvangen."),
        ("Inkomenstoets", "Wij toetsen uw inkomen en vermogen."),
        ("Besluit genomen", "Er is een besluit genomen over uw verzoek."),
    ),
    systeem=SYSTEEM,
)
BEZWAAR_AANSLAG = maak_zaaktype(
    "ZT-BEZWAAR-AANSLAG",
    "Bezwaar aanslag gemeentelijke belastingen",
    "zaakvertrouwelijk",
    "Een bezwaar tegen een aanslag gemeentelijke belastingen behandelen.",
    "P12W",
    (
        ("Bezwaar ontvangen", "Uw bezwaar is ontvangen."),
        ("In behandeling", "Uw bezwaar wordt beoordeeld."),
        ("Uitspraak gedaan", "Er is uitspraak gedaan op uw bezwaar."),
    ),
    systeem=SYSTEEM,
)

CATALOGUS = Catalogus.of(
    stable_uuid(SYSTEEM, "catalogus"),
    "Samenwerking Klaverstreek",
    (WMO_MELDING, WMO_HULPMIDDEL, KWIJTSCHELDING, BEZWAAR_AANSLAG),
)
ZAAKTYPEN: Mapping[str, Zaaktype] = CATALOGUS.zaaktypen
