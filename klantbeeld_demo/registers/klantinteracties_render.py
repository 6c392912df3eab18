"""Klantinteracties resources in the shape Open Klant 2.x sends them, `_expand` included.

Field names and types follow `klantinteracties-2.x.yaml`; where the spec is loose
(empty address groups, `_expand` placement) this follows the live server and its
source (UPSTREAMS.md §5): `_expand` sits on the record it belongs to, a nested
expansion only when its parent was asked for too, an empty to-many as `[]`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from klantbeeld_demo.registers import urls
from klantbeeld_demo.registers.model import (
    Actor,
    Contacthouder,
    DemoData,
    DigitaalAdres,
    Internetaak,
    Klantcontact,
    Onderwerpobject,
    Partij,
)
from klantbeeld_demo.registers.urls import Linker

PARTIJ_EXPAND = frozenset(
    {"betrokkenen", "betrokkenen.hadKlantcontact", "categorieRelaties", "digitaleAdressen"}
)
KLANTCONTACT_EXPAND = frozenset(
    {
        "gingOverOnderwerpobjecten", "hadBetrokkenen", "hadBetrokkenen.digitaleAdressen",
        "hadBetrokkenen.wasPartij", "leiddeTotInterneTaken", "omvatteBijlagen",
    }
)  # fmt: skip
BETROKKENE_EXPAND = frozenset({"digitaleAdressen"})
DIGITAAL_ADRES_EXPAND = frozenset(
    {
        "verstrektDoorBetrokkene", "verstrektDoorBetrokkene.hadKlantcontact",
        "verstrektDoorBetrokkene.hadKlantcontact.leiddeTotInterneTaken",
    }
)  # fmt: skip

# Open Klant sends unset address groups as objects of empty strings, never null.
_LEEG_ADRES = {
    key: ""
    for key in (
        "nummeraanduidingId", "straatnaam", "huisnummer", "huisnummertoevoeging", "postcode",
        "stad", "adresregel1", "adresregel2", "adresregel3", "land",
    )
}  # fmt: skip


def with_expand(body: dict[str, Any], expanded: dict[str, Any], *, in_list: bool) -> dict[str, Any]:
    """Attach `_expand` like Open Klant's ExpandJSONRenderer does.

    In a list every record gets `_expand` (`{}` when nothing was expanded); a detail
    only gets it when something was expanded.
    """
    return {**body, "_expand": expanded} if in_list or expanded else body


def _nested(body: dict[str, Any], children: dict[str, Any]) -> dict[str, Any]:
    # An expanded record only gets its own `_expand` when a child was asked for.
    return {**body, "_expand": children} if children else body


class Renderer:
    """Renders the records of one DemoData as absolute-URL JSON for one request."""

    def __init__(self, data: DemoData, link: Linker) -> None:
        self.data = data
        self.link = link

    def ref(self, resource: str, uuid: str) -> dict[str, str]:
        """A foreign key as Open Klant writes it: `{uuid, url}`."""
        return {"uuid": uuid, "url": self.link.url(urls.klantinteracties(resource, uuid))}

    def refs(self, resource: str, uuids: Iterable[str]) -> list[dict[str, str]]:
        return [self.ref(resource, uuid) for uuid in uuids]

    # --- plain records ------------------------------------------------------------

    def partij(self, partij: Partij, houder: Contacthouder) -> dict[str, Any]:
        identificator = self.ref("partij-identificatoren", partij.identificator_uuid)
        ident = houder.identificatie
        return {
            **self.ref("partijen", partij.uuid),
            "nummer": partij.nummer,
            "interneNotitie": "",
            "betrokkenen": self.refs(
                "betrokkenen", (c.betrokkene_uuid for c in houder.klantcontacten)
            ),
            "categorieRelaties": [],
            "digitaleAdressen": self.refs(
                "digitaleadressen", (a.uuid for a in partij.digitale_adressen)
            ),
            "voorkeursDigitaalAdres": self.ref("digitaleadressen", partij.voorkeurs_digitaal_adres)
            if partij.voorkeurs_digitaal_adres
            else None,
            "vertegenwoordigden": [],
            "rekeningnummers": [],
            "voorkeursRekeningnummer": None,
            "partijIdentificatoren": [
                {
                    **identificator,
                    "identificeerdePartij": self.ref("partijen", partij.uuid),
                    "anderePartijIdentificator": "",
                    "partijIdentificator": {
                        "codeObjecttype": ident.code_objecttype,
                        "codeSoortObjectId": ident.code_soort_object_id,
                        "objectId": ident.object_id,
                        "codeRegister": ident.code_register,
                    },
                    "subIdentificatorVan": self.ref(
                        "partij-identificatoren", partij.sub_identificator_van
                    )
                    if partij.sub_identificator_van
                    else None,
                }
            ],
            "soortPartij": partij.soort_partij,
            "indicatieGeheimhouding": partij.indicatie_geheimhouding,
            "voorkeurstaal": partij.voorkeurstaal,
            "indicatieActief": partij.indicatie_actief,
            "bezoekadres": dict(_LEEG_ADRES),
            "correspondentieadres": dict(_LEEG_ADRES),
            "partijIdentificatie": self._partij_identificatie(partij),
        }

    def _partij_identificatie(self, partij: Partij) -> dict[str, Any]:
        # The spec's polymorphic group: an organisatie has only its naam.
        if partij.soort_partij == "organisatie":
            return {"naam": partij.naam}
        return {
            "contactnaam": self._contactnaam(partij),
            "volledigeNaam": partij.volledige_naam,
        }

    def digitaal_adres(self, adres: DigitaalAdres, partij: Partij) -> dict[str, Any]:
        return {
            **self.ref("digitaleadressen", adres.uuid),
            "verstrektDoorBetrokkene": None,
            "verstrektDoorPartij": self.ref("partijen", partij.uuid),
            "adres": adres.adres,
            "soortDigitaalAdres": adres.soort,
            "isStandaardAdres": adres.is_standaard,
            "omschrijving": adres.omschrijving,
            "referentie": "",
            "verificatieDatum": adres.verificatiedatum,
        }

    def klantcontact(self, contact: Klantcontact) -> dict[str, Any]:
        return {
            **self.ref("klantcontacten", contact.uuid),
            "gingOverOnderwerpobjecten": self.refs(
                "onderwerpobjecten", (o.uuid for o in contact.onderwerpobjecten)
            ),
            "hadBetrokkenActoren": [self.actor(contact.actor)],
            "omvatteBijlagen": [],
            "hadBetrokkenen": [self.ref("betrokkenen", contact.betrokkene_uuid)],
            "leiddeTotInterneTaken": self.refs(
                "internetaken", (t.uuid for t in contact.internetaken)
            ),
            "nummer": contact.nummer,
            "referentienummer": contact.nummer,
            "kanaal": contact.kanaal,
            "onderwerp": contact.onderwerp,
            "inhoud": contact.inhoud,
            "reactie": contact.reactie,
            "indicatieContactGelukt": contact.indicatie_contact_gelukt,
            "hoofdOnderwerpType": "",
            "verdereActieOndernomen": bool(contact.internetaken),
            "taal": contact.taal,
            "vertrouwelijk": contact.vertrouwelijk,
            "plaatsgevondenOp": contact.plaatsgevonden_op,
            "metadata": {},
        }

    def betrokkene(self, contact: Klantcontact, partij: Partij) -> dict[str, Any]:
        return {
            **self.ref("betrokkenen", contact.betrokkene_uuid),
            "wasPartij": self.ref("partijen", partij.uuid),
            "hadKlantcontact": self.ref("klantcontacten", contact.uuid),
            "digitaleAdressen": [],
            "bezoekadres": dict(_LEEG_ADRES),
            "correspondentieadres": dict(_LEEG_ADRES),
            "contactnaam": self._contactnaam(partij),
            "volledigeNaam": partij.volledige_naam,
            "rol": contact.rol,
            "organisatienaam": partij.naam,
            "initiator": contact.initiator,
        }

    def onderwerpobject(self, onderwerp: Onderwerpobject, contact: Klantcontact) -> dict[str, Any]:
        return {
            **self.ref("onderwerpobjecten", onderwerp.uuid),
            "klantcontact": self.ref("klantcontacten", contact.uuid),
            "wasKlantcontact": None,
            "onderwerpobjectidentificator": {
                "objectId": onderwerp.object_id,
                "codeObjecttype": onderwerp.code_objecttype,
                "codeRegister": onderwerp.code_register,
                "codeSoortObjectId": onderwerp.code_soort_object_id,
            },
        }

    def internetaak(self, taak: Internetaak, contact: Klantcontact) -> dict[str, Any]:
        actor = self.ref("actoren", taak.toegewezen_aan.uuid)
        return {
            **self.ref("internetaken", taak.uuid),
            "nummer": taak.nummer,
            "referentienummer": taak.nummer,
            "gevraagdeHandeling": taak.gevraagde_handeling,
            "aanleidinggevendKlantcontact": self.ref("klantcontacten", contact.uuid),
            "toegewezenAanActor": actor,
            "toegewezenAanActoren": [actor],
            "toelichting": taak.toelichting,
            "status": taak.status,
            "toegewezenOp": taak.toegewezen_op,
            "afgehandeldOp": taak.afgehandeld_op,
        }

    def actor(self, actor: Actor) -> dict[str, Any]:
        return {
            **self.ref("actoren", actor.uuid),
            "naam": actor.naam,
            "soortActor": "medewerker",
            "indicatieActief": True,
            "actoridentificator": {
                "objectId": actor.gebruikersnaam,
                "codeObjecttype": "mdw",
                "codeRegister": "msei",
                "codeSoortObjectId": "gebruikersnaam",
            },
            "actorIdentificatie": {
                "functie": actor.functie,
                "emailadres": "",
                "telefoonnummer": "",
            },
        }

    @staticmethod
    def _contactnaam(partij: Partij) -> dict[str, str]:
        return {
            "voorletters": partij.voorletters,
            "voornaam": partij.voornaam,
            "voorvoegselAchternaam": partij.voorvoegsel_achternaam,
            "achternaam": partij.achternaam,
        }

    # --- expansions ---------------------------------------------------------------

    def expand_partij(
        self, partij: Partij, houder: Contacthouder, names: frozenset[str]
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if "digitaleAdressen" in names:
            result["digitaleAdressen"] = [
                self.digitaal_adres(a, partij) for a in partij.digitale_adressen
            ]
        if "betrokkenen" in names:
            result["betrokkenen"] = [
                _nested(
                    self.betrokkene(c, partij),
                    {"hadKlantcontact": self.klantcontact(c)}
                    if "betrokkenen.hadKlantcontact" in names
                    else {},
                )
                for c in houder.klantcontacten
            ]
        if "categorieRelaties" in names:
            result["categorieRelaties"] = []
        return result

    def expand_klantcontact(
        self, contact: Klantcontact, partij: Partij, names: frozenset[str]
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if "hadBetrokkenen" in names:
            children: dict[str, Any] = {}
            if "hadBetrokkenen.wasPartij" in names:
                children["wasPartij"] = self.partij(partij, self.data.partijen[partij.uuid][1])
            if "hadBetrokkenen.digitaleAdressen" in names:
                children["digitaleAdressen"] = []
            result["hadBetrokkenen"] = [_nested(self.betrokkene(contact, partij), children)]
        if "gingOverOnderwerpobjecten" in names:
            result["gingOverOnderwerpobjecten"] = [
                self.onderwerpobject(o, contact) for o in contact.onderwerpobjecten
            ]
        if "leiddeTotInterneTaken" in names:
            result["leiddeTotInterneTaken"] = [
                self.internetaak(t, contact) for t in contact.internetaken
            ]
        if "omvatteBijlagen" in names:
            result["omvatteBijlagen"] = []
        return result

    @staticmethod
    def expand_betrokkene(names: frozenset[str]) -> dict[str, Any]:
        # The demo's betrokkenen gave no digitale adressen of their own.
        return {"digitaleAdressen": []} if "digitaleAdressen" in names else {}

    @staticmethod
    def expand_digitaal_adres(names: frozenset[str]) -> dict[str, Any]:
        # Demo addresses come from a partij, not a betrokkene: the relation is null.
        return {"verstrektDoorBetrokkene": None} if "verstrektDoorBetrokkene" in names else {}
