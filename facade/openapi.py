"""The façade's OpenAPI 3.1 document, served at `/api/v1/openapi.json`.

Built in Python rather than kept as a file, so it cannot drift from the code:
the view schemas (`Klant`, `Zaak`, `Contactmoment`) are generated from the view
tree in `policies.viewpaths` (the BRP part from the BRP Personen field list),
the register kinds from the settings, `info.version` from `API_VERSION`. The
view objects say `additionalProperties: false`, so the conformance test in
`tests/openapi/` proves that no field outside the view tree leaves.

Lists are transparent in the view tree (`klant.partners.naam` is the name of
every partner), so a group below a record may be one object or a list of
them; its list items point back at the group's own schema. Leaves are typed
loosely (the BRP's leaves vary), except the façade's own fields listed in
`_LEAVES`.

Descriptions are in Dutch, like the Haal Centraal and ZGW APIs the façade sits among.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from facade.problems import API_VERSION, PROBLEM_TYPE_BASE
from facade.settings import SOORTEN
from facade.validation import MAX_FIELDS
from policies import viewpaths
from policies.viewpaths import Tree

OPENAPI_PATH = "/api/v1/openapi.json"
SERVER = "/api/v1"

Schema = dict[str, Any]

_SCHEMAS = "#/components/schemas/"
_PROBLEM_JSON = "application/problem+json"

# Per view section: its component schema and whether the section is a list of them.
_SECTIONS: dict[str, tuple[str, bool, str]] = {
    "klant": (
        "Klant",
        False,
        "Klantdata: de BRP-gegevens (Haal Centraal BRP Personen 2.x, veldnamen als daar) "
        "plus de contactgegevens uit de klantregisters (`emailadressen`, `telefoonnummers`, "
        "`voorkeurstaal`). `null` als geen register de persoon kent.",
    ),
    "zaken": (
        "Zaak",
        True,
        "Dienstdata: de zaken van de persoon (ZGW Zaken + Catalogi), nieuwste eerst, "
        "dubbelingen tussen zaaksystemen verwijderd.",
    ),
    "contactmomenten": (
        "Contactmoment",
        True,
        "Contactdata: eerdere contacten (Contactmomenten 1.0 of Klantinteracties), nieuwste eerst.",
    ),
}

_NULLABLE_STRING: Schema = {"type": ["string", "null"]}
_NULLABLE_BOOLEAN: Schema = {"type": ["boolean", "null"]}

# The façade's own leaves (not the BRP's): typed and described. A test checks
# that every path here is in the view tree.
_LEAVES: dict[str, Schema] = {
    "klant.emailadressen.adres": {"type": "string", "description": "E-mailadres."},
    "klant.emailadressen.bron": {
        "type": "string",
        "description": "Het register (naam uit de configuratie) dat dit adres kent.",
    },
    "klant.emailadressen.isStandaard": {
        "type": "boolean",
        "description": "Het standaardadres van de partij (alleen uit Klantinteracties).",
    },
    "klant.telefoonnummers.nummer": {"type": "string", "description": "Telefoonnummer."},
    "klant.telefoonnummers.bron": {
        "type": "string",
        "description": "Het register (naam uit de configuratie) dat dit nummer kent.",
    },
    "klant.telefoonnummers.isStandaard": {
        "type": "boolean",
        "description": "Het standaardnummer van de partij (alleen uit Klantinteracties).",
    },
    "klant.voorkeurstaal": {**_NULLABLE_STRING, "description": "De voorkeurstaal van de klant."},
    "klant.indicatieGeheimhouding": {
        **_NULLABLE_BOOLEAN,
        "description": "Geheimhouding van de partij (Klantinteracties); reist altijd mee.",
    },
    "zaken.bron": {"type": "string", "description": "Het zaaksysteem (naam uit de configuratie)."},
    "zaken.uuid": {**_NULLABLE_STRING, "description": "UUID van de zaak in het zaaksysteem."},
    "zaken.identificatie": {"type": "string", "description": "Identificatie van de zaak."},
    "zaken.bronorganisatie": {**_NULLABLE_STRING, "description": "RSIN van de bronorganisatie."},
    "zaken.omschrijving": {**_NULLABLE_STRING, "description": "Korte omschrijving van de zaak."},
    "zaken.toelichting": {**_NULLABLE_STRING, "description": "Toelichting op de zaak."},
    "zaken.zaaktype.identificatie": {**_NULLABLE_STRING, "description": "Zaaktype-identificatie."},
    "zaken.zaaktype.omschrijving": {
        **_NULLABLE_STRING,
        "description": "Omschrijving van het zaaktype; `null` als Catalogi niet antwoordde.",
    },
    "zaken.status.omschrijving": {**_NULLABLE_STRING, "description": "Omschrijving van de status."},
    "zaken.status.statustekst": {
        **_NULLABLE_STRING,
        "description": "De tekst voor de burger bij deze status.",
    },
    "zaken.status.datumStatusGezet": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "Wanneer de status gezet is.",
    },
    "zaken.status.isEindstatus": {
        **_NULLABLE_BOOLEAN,
        "description": "Of dit de eindstatus van het zaaktype is.",
    },
    "zaken.registratiedatum": {"type": ["string", "null"], "format": "date"},
    "zaken.startdatum": {"type": ["string", "null"], "format": "date"},
    "zaken.einddatum": {
        "type": ["string", "null"],
        "format": "date",
        "description": "`null` zolang de zaak loopt.",
    },
    "zaken.einddatumGepland": {"type": ["string", "null"], "format": "date"},
    "zaken.uiterlijkeEinddatumAfdoening": {"type": ["string", "null"], "format": "date"},
    "zaken.vertrouwelijkheidaanduiding": {
        **_NULLABLE_STRING,
        "description": "Vertrouwelijkheid van de zaak (ZGW); reist altijd mee met de zaak.",
    },
    "contactmomenten.bron": {
        "type": "string",
        "description": "Het register (naam uit de configuratie) van dit contact.",
    },
    "contactmomenten.datum": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "Contactmomenten: `registratiedatum`; Klantinteracties: `plaatsgevondenOp`.",
    },
    "contactmomenten.kanaal": {**_NULLABLE_STRING, "description": "Het kanaal van het contact."},
    "contactmomenten.onderwerp": {
        **_NULLABLE_STRING,
        "description": "Onderwerp (alleen Klantinteracties; anders `null`).",
    },
    "contactmomenten.tekst": {**_NULLABLE_STRING, "description": "De inhoud van het contact."},
    "contactmomenten.initiatiefnemer": {
        **_NULLABLE_STRING,
        "description": "Wie het contact begon: `klant` of `gemeente`.",
    },
    "contactmomenten.vertrouwelijk": {
        **_NULLABLE_BOOLEAN,
        "description": "Vertrouwelijk contact; reist altijd mee met het contact.",
    },
    "contactmomenten.gelukt": {
        **_NULLABLE_BOOLEAN,
        "description": "Of het contact tot stand kwam (Klantinteracties).",
    },
    "contactmomenten.zaken": {
        "type": "array",
        "items": {"type": "string"},
        "description": "Identificaties van de zaken (in dit klantbeeld) waarover het contact ging.",
    },
}


def _pointer(base: str, *parts: str) -> str:
    return "/".join([base, *(p.replace("~", "~0").replace("/", "~1") for p in parts)])


def _node(tree: Tree, pointer: str, path: str, *, record: bool) -> Schema:
    """The schema of one group of the view tree, found at `pointer` in the document.

    A record (a section's root) is an object; a group below it may also be a
    list of such objects, whose items refer back to this very schema.
    """
    properties: Schema = {}
    for name, sub in sorted(tree.items()):
        child_path = f"{path}.{name}"
        if sub is None:
            properties[name] = _LEAVES.get(child_path, {"$ref": _SCHEMAS + "Waarde"})
        else:
            child = _pointer(pointer, "properties", name)
            properties[name] = _node(sub, child, child_path, record=False)
    schema: Schema = {"properties": properties, "additionalProperties": False}
    if record:
        return {"type": "object", **schema}
    return {"type": ["object", "array"], **schema, "items": {"$ref": pointer, "type": "object"}}


def _view_schemas() -> dict[str, Schema]:
    missing = set(viewpaths.SECTIONS) - set(_SECTIONS)
    if missing:
        raise RuntimeError(f"view sections without an OpenAPI schema: {sorted(missing)}")
    schemas: dict[str, Schema] = {}
    for section, (name, _, description) in _SECTIONS.items():
        pointer = _SCHEMAS + name
        schema = _node(viewpaths.VIEW[section], pointer, section, record=True)
        schemas[name] = {"description": description, **schema}
    return schemas


def _ref(name: str) -> Schema:
    return {"$ref": _SCHEMAS + name}


def _klantbeeld_schema() -> Schema:
    properties: Schema = {}
    for section, (name, is_list, description) in _SECTIONS.items():
        if is_list:
            properties[section] = {"type": "array", "items": _ref(name), "description": description}
        else:
            properties[section] = {"anyOf": [_ref(name), {"type": "null"}]}
    properties["bronnen"] = {
        "type": "array",
        "items": _ref("Bron"),
        "description": "Per geconfigureerd register één regel: gevraagd of niet, en met welk "
        "resultaat.",
    }
    properties["verwerking"] = _ref("Verwerking")
    return {
        "type": "object",
        "description": "Het Doelmatig Geïntegreerd Klantbeeld (DGKB) van één persoon, beperkt "
        "tot wat het doel mag zien. Een sectie die het doel niet omvat ontbreekt; een sectie "
        "waarvan de registers faalden of niets vonden is leeg (`[]`, of `null` voor `klant`) "
        "en `bronnen` zegt waarom.",
        "required": ["bronnen", "verwerking"],
        "properties": properties,
        "additionalProperties": False,
    }


def _schemas() -> dict[str, Schema]:
    return {
        "KlantbeeldVerzoek": {
            "type": "object",
            "description": "Het verzoek om een klantbeeld. Het BSN staat in de body, nooit in "
            "de URL.",
            "required": ["burgerservicenummer"],
            "properties": {
                "burgerservicenummer": {
                    "type": "string",
                    "pattern": "^[0-9]{9}$",
                    "description": "Het BSN van de persoon: 9 cijfers die de elfproef doorstaan.",
                    "example": "999993653",
                },
                "fields": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_FIELDS,
                    "items": {"type": "string", "pattern": "^[A-Za-z]+(\\.[A-Za-z]+)*$"},
                    "description": "Optioneel: paden in het klantbeeld (`klant.naam`, "
                    "`zaken.status`) om het antwoord verder te beperken. Verbreedt nooit wat "
                    "het doel toestaat: een onbekend pad is 400, een pad dat het doel niet "
                    "toestaat 403.",
                    "example": ["klant.naam", "zaken.status"],
                },
            },
            "additionalProperties": False,
        },
        "Klantbeeld": _klantbeeld_schema(),
        **_view_schemas(),
        "Waarde": {
            "description": "Een BRP-waarde: een tekst, getal, ja/nee, `null`, of een lijst "
            "daarvan. De vorm per veld staat in de BRP Personen-specificatie.",
            "type": ["string", "number", "boolean", "null", "array"],
            "items": {"type": ["string", "number", "boolean", "null"]},
        },
        "Bron": {
            "type": "object",
            "description": "Wat één register bijdroeg. Zegt nooit hoeveel records een doel "
            "wegfilterde.",
            "required": ["bron", "soort", "status", "duurMs", "afgekapt"],
            "properties": {
                "bron": {
                    "type": "string",
                    "description": "Naam van het register uit de configuratie.",
                    "example": "openzaak",
                },
                "soort": {
                    "type": "string",
                    "enum": list(SOORTEN),
                    "description": "Soort register.",
                },
                "status": {
                    "type": "string",
                    "enum": ["ok", "niet-gevonden", "niet-gevraagd", "fout", "timeout"],
                    "description": "`ok`; `niet-gevonden` (het register kent de persoon "
                    "niet); `niet-gevraagd` (het doel heeft dit register niet nodig); "
                    "`fout` of `timeout` (de sectie is leeg, zie `probleem`).",
                },
                "duurMs": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Duur van de bevraging in milliseconden.",
                },
                "afgekapt": {
                    "type": "boolean",
                    "description": "Een pagina- of "
                    "omvanglimiet heeft het antwoord van dit register afgekapt.",
                },
                "probleem": _ref("BronProbleem"),
            },
            "additionalProperties": False,
        },
        "BronProbleem": {
            "type": "object",
            "description": "Waarom een register faalde: een vaste tekst, nooit een URL of een "
            "melding van het register zelf.",
            "required": ["title"],
            "properties": {
                "title": {"type": "string"},
                "status": {"type": "integer", "description": "HTTP-status van het register."},
                "code": {"type": "string", "example": "timeout"},
            },
            "additionalProperties": False,
        },
        "Verwerking": {
            "type": "object",
            "description": "Wat deze opvraging was, zoals vastgelegd in de protocollering.",
            "required": ["doel", "beleidsversie", "traceId", "tijdstip"],
            "properties": {
                "doel": {"type": "string", "description": "Het doel uit `X-Doelbinding`."},
                "beleidsversie": {
                    "type": "string",
                    "pattern": "^sha256:[0-9a-f]+$",
                    "description": "Hash van de doel- en toegangsbestanden waaronder de "
                    "opvraging liep.",
                },
                "traceId": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{32}$",
                    "description": "W3C trace-id (uit `traceparent`, anders nieuw); vindt het "
                    "verwerkingsrecord en de logboeken van de registers.",
                },
                "tijdstip": {
                    "type": "string",
                    "format": "date-time",
                    "description": "Tijdstip van het antwoord (UTC).",
                },
            },
            "additionalProperties": False,
        },
        "Probleem": {
            "type": "object",
            "description": "Een fout als RFC 9457 problem details. Nooit een stacktrace, een "
            "URL van een register of persoonsgegevens.",
            "required": ["type", "code", "title", "status", "detail"],
            "properties": {
                "type": {
                    "type": "string",
                    "format": "uri",
                    "example": PROBLEM_TYPE_BASE + "ongeldig-verzoek",
                },
                "code": {
                    "type": "string",
                    "description": "Vaste code van de fout.",
                    "example": "ongeldig-verzoek",
                },
                "title": {"type": "string"},
                "status": {"type": "integer", "minimum": 400, "maximum": 599},
                "detail": {"type": "string"},
                "invalidParams": {
                    "type": "array",
                    "description": "Bij 400 (en 403 op `fields`): alle ongeldige parameters "
                    "tegelijk.",
                    "items": _ref("OngeldigeParameter"),
                },
            },
            "additionalProperties": False,
        },
        "OngeldigeParameter": {
            "type": "object",
            "required": ["name", "code", "reason"],
            "properties": {
                "name": {
                    "type": "string",
                    "description": "Body-veld of header, bijvoorbeeld "
                    "`burgerservicenummer`, `fields[2]` of `X-Doelbinding`.",
                },
                "code": {"type": "string", "example": "ongeldig"},
                "reason": {"type": "string"},
            },
            "additionalProperties": False,
        },
        "DoelSamenvatting": {
            "type": "object",
            "required": ["id", "naam", "omschrijving"],
            "properties": {
                "id": {"type": "string", "example": "kcc-zaakstatus"},
                "naam": {"type": "string"},
                "omschrijving": {"type": "string"},
            },
            "additionalProperties": False,
        },
        "Doelen": {
            "type": "object",
            "description": "De doelen die dit token mag gebruiken.",
            "required": ["beleidsversie", "doelen"],
            "properties": {
                "beleidsversie": {"type": "string", "pattern": "^sha256:[0-9a-f]+$"},
                "doelen": {"type": "array", "items": _ref("DoelSamenvatting")},
            },
            "additionalProperties": False,
        },
        "Doel": _doel_schema(),
        "Gezondheid": {
            "type": "object",
            "required": ["status", "apiVersion"],
            "properties": {
                "status": {"type": "string", "enum": ["ok"]},
                "apiVersion": {"type": "string", "example": API_VERSION},
            },
            "additionalProperties": False,
        },
        "Gereedheid": {
            "type": "object",
            "required": ["status", "controles"],
            "properties": {
                "status": {"type": "string", "enum": ["ok", "niet-gereed"]},
                "controles": {
                    "type": "object",
                    "description": "Per controle: geslaagd of niet. Alleen ja/nee, nooit "
                    "details van een register.",
                    "required": ["configuratie", "protocollering"],
                    "properties": {
                        "configuratie": {
                            "type": "boolean",
                            "description": "Instellingen en doelen zijn geladen.",
                        },
                        "protocollering": {
                            "type": "boolean",
                            "description": "De protocolleringssink bevestigt.",
                        },
                        "registers": {
                            "type": "boolean",
                            "description": "Niet alle registers zijn afgeschakeld (circuit "
                            "breaker open); één dood register kost alleen zijn sectie.",
                        },
                        "sleutels": {
                            "type": "boolean",
                            "description": "De sleutels waarmee aanroepers hun tokens "
                            "ondertekenen zijn er (de JWKS van de identity provider is "
                            "opgehaald); zonder kan geen enkele aanroeper zich aanmelden.",
                        },
                    },
                    "additionalProperties": {"type": "boolean"},
                },
                "onderbrekers": {
                    "type": "object",
                    "description": "Registers die nu niet worden gevraagd (circuit breaker "
                    "open of een proefaanroep bezig), bij hun naam uit de configuratie.",
                    "additionalProperties": {"type": "string", "enum": ["open", "half-open"]},
                },
            },
            "additionalProperties": False,
        },
        "OpenAPIDocument": {
            "type": "object",
            "description": "Dit document (OpenAPI 3.1).",
            "required": ["openapi", "info", "paths"],
        },
    }


def _doel_schema() -> Schema:
    strings = {"type": "array", "items": {"type": "string"}}
    nullable_strings = {"type": ["array", "null"], "items": {"type": "string"}}
    nullable_int = {"type": ["integer", "null"]}

    def filters(properties: Schema) -> Schema:
        return {"type": "object", "properties": properties, "additionalProperties": False}

    return {
        "type": "object",
        "description": "Eén doel volledig: grondslag, registers, velden, filters en wie het "
        "mag gebruiken.",
        "required": [
            "id",
            "naam",
            "omschrijving",
            "verwerkingsactiviteit",
            "grondslag",
            "zelfbediening",
            "bronnen",
            "verplichteBronnen",
            "velden",
            "altijdMeegeleverd",
            "brp",
            "filters",
            "toegang",
            "beleidsversie",
        ],
        "properties": {
            "id": {"type": "string"},
            "naam": {"type": "string"},
            "omschrijving": {"type": "string"},
            "verwerkingsactiviteit": {
                "type": "string",
                "description": "De verwerkingsactiviteit in het register van verwerkingen.",
            },
            "grondslag": {"type": "string", "description": "De wettelijke grondslag."},
            "zelfbediening": {
                "type": "boolean",
                "description": "Alleen voor het BSN uit het eigen token van de inwoner.",
            },
            "bronnen": {
                **strings,
                "description": "De soorten registers die het doel mag bevragen.",
            },
            "verplichteBronnen": {
                **strings,
                "description": "Registers zonder welke het antwoord 503 is.",
            },
            "velden": {
                **strings,
                "description": "De paden in het klantbeeld die het doel mag "
                "zien (deny by default).",
            },
            "altijdMeegeleverd": {
                **strings,
                "description": "Vertrouwelijkheidskenmerken die altijd met hun record meekomen.",
            },
            "brp": {
                "type": "object",
                "required": ["fields", "doelbinding"],
                "properties": {
                    "fields": {**strings, "description": "De `fields` die de BRP krijgt."},
                    "doelbinding": {
                        **_NULLABLE_STRING,
                        "description": "De `x-doelbinding` voor de BRP-gateway.",
                    },
                },
                "additionalProperties": False,
            },
            "filters": {
                "type": "object",
                "properties": {
                    "zaken": filters(
                        {
                            "zaaktypen": nullable_strings,
                            "maximaleVertrouwelijkheidaanduiding": _NULLABLE_STRING,
                            "rol": _NULLABLE_STRING,
                            "afgerondBinnenDagen": nullable_int,
                        }
                    ),
                    "contactmomenten": filters(
                        {
                            "vertrouwelijkeUitsluiten": _NULLABLE_BOOLEAN,
                            "kanalen": nullable_strings,
                            "periodeDagen": nullable_int,
                        }
                    ),
                    "klant": filters({"alleenBinnenlandsAdres": _NULLABLE_BOOLEAN}),
                },
                "additionalProperties": False,
            },
            "toegang": {
                "type": "array",
                "description": "Wie het doel mag gebruiken: een token-scope of een rol.",
                "items": {
                    "oneOf": [
                        filters({"scope": {"type": "string"}}) | {"required": ["scope"]},
                        filters({"rol": {"type": "string"}}) | {"required": ["rol"]},
                    ]
                },
            },
            "beleidsversie": {"type": "string", "pattern": "^sha256:[0-9a-f]+$"},
        },
        "additionalProperties": False,
    }


def _headers() -> dict[str, Schema]:
    return {
        "API-Version": {
            "description": "De volledige versie van de API (NL API Design Rules).",
            "required": True,
            "schema": {
                "type": "string",
                "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+$",
                "example": API_VERSION,
            },
        },
        "Cache-Control-NoStore": {
            "description": "Persoonsgegevens en fouten worden nergens bewaard.",
            "required": True,
            "schema": {"type": "string", "enum": ["no-store"]},
        },
        "Retry-After": {
            "description": "Na hoeveel seconden een nieuwe poging zin heeft; bij overbelasting "
            "en als de protocollering niet bevestigt.",
            "required": False,
            "schema": {"type": "integer", "minimum": 0},
        },
        "WWW-Authenticate": {
            "description": "Het gevraagde authenticatieschema.",
            "required": True,
            "schema": {"type": "string", "example": 'Bearer realm="klantbeeld"'},
        },
        "Allow": {
            "description": "De methoden die dit pad wel kent.",
            "required": True,
            "schema": {"type": "string", "example": "POST"},
        },
    }


def _header_refs(*names: str) -> Schema:
    refs = {"API-Version": {"$ref": "#/components/headers/API-Version"}}
    for name in names:
        key = "Cache-Control" if name == "Cache-Control-NoStore" else name
        refs[key] = {"$ref": f"#/components/headers/{name}"}
    return refs


def _problem_response(description: str, *headers: str) -> Schema:
    return {
        "description": description,
        "headers": _header_refs("Cache-Control-NoStore", *headers),
        "content": {_PROBLEM_JSON: {"schema": _ref("Probleem")}},
    }


def _responses() -> dict[str, Schema]:
    return {
        "OngeldigVerzoek": _problem_response(
            "Ongeldige invoer: body, BSN (9 cijfers en elfproef), `fields`, of een ontbrekend "
            "of onbekend `X-Doelbinding`; alle fouten tegelijk in `invalidParams`."
        ),
        "NietGeauthenticeerd": _problem_response(
            "Geen, een ongeldig of een verlopen token; verkeerde issuer, audience of algoritme.",
            "WWW-Authenticate",
        ),
        "Verboden": _problem_response(
            "Het token mag dit doel niet gebruiken; bij zelfbediening een ander BSN dan dat in "
            "het token; of een pad in `fields` dat het doel niet toestaat (`invalidParams`)."
        ),
        "NietGevonden": _problem_response(
            "Dit pad bestaat niet (ook: een pad met een slash aan het eind)."
        ),
        "MethodeNietToegestaan": _problem_response(
            "Deze methode is niet toegestaan op dit pad.", "Allow"
        ),
        "TeGroot": _problem_response("De body is te groot."),
        "MediatypeNietOndersteund": _problem_response("De body is geen `application/json`."),
        "InterneFout": _problem_response("Onverwachte fout in de façade."),
        "NietBeschikbaar": _problem_response(
            "Tijdelijk niet beschikbaar: te veel klantbeelden tegelijk (`overbelast`, met "
            "`Retry-After`), de protocollering bevestigde niet (`protocollering-onbeschikbaar`, "
            "met `Retry-After`; er wordt geen antwoord zonder vastlegging gegeven), of een "
            "register dat het doel verplicht stelt faalde (`verplichte-bron-onbeschikbaar`).",
            "Retry-After",
        ),
    }


def _parameters() -> dict[str, Schema]:
    return {
        "X-Doelbinding": {
            "name": "X-Doelbinding",
            "in": "header",
            "required": True,
            "description": "Het doel van deze opvraging: de id van een van de doelen "
            "(zie `GET /api/v1/doelen`). Het doel bepaalt welke registers bevraagd worden, "
            "welke velden het antwoord bevat en wat vastgelegd wordt. Ontbreekt het of is het "
            "onbekend, dan is het antwoord 400; mag het token het niet gebruiken, 403.",
            "schema": {"type": "string", "example": "kcc-zaakstatus"},
        },
        "X-Verwerking": {
            "name": "X-Verwerking",
            "in": "header",
            "required": False,
            "description": "De naam van de verwerking bij de afnemer; gaat mee naar de "
            "BRP-gateway en in de protocollering (als opgegeven, niet gecontroleerd).",
            "schema": {"type": "string", "minLength": 1, "maxLength": 242},
        },
        "X-Gebruiker": {
            "name": "X-Gebruiker",
            "in": "header",
            "required": False,
            "description": "De gebruiker achter de afnemer, zoals de afnemer die opgeeft "
            "(nooit een BSN). De registers krijgen het als weergavenaam van de gebruiker; de "
            "geauthenticeerde identiteit blijft het `sub` van het token.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 242},
        },
        "traceparent": {
            "name": "traceparent",
            "in": "header",
            "required": False,
            "description": "W3C Trace Context. De trace-id wordt `verwerking.traceId` en gaat "
            "naar elk register.",
            "schema": {
                "type": "string",
                "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
                "example": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            },
        },
        "doelId": {
            "name": "doelId",
            "in": "path",
            "required": True,
            "description": "De id van het doel.",
            "schema": {"type": "string"},
        },
    }


def _r(name: str) -> Schema:
    return {"$ref": f"#/components/responses/{name}"}


def _json(schema: str, description: str, *headers: str) -> Schema:
    return {
        "description": description,
        "headers": _header_refs(*headers),
        "content": {"application/json": {"schema": _ref(schema)}},
    }


_COMMON = {"404": _r("NietGevonden"), "405": _r("MethodeNietToegestaan"), "500": _r("InterneFout")}
_PUBLIC: list[Schema] = []  # `security: []`: no token needed


def _paths() -> dict[str, Schema]:
    root_server = [{"url": "/", "description": "Buiten de API-versie: voor het platform."}]
    return {
        "/klantbeeld": {
            "post": {
                "operationId": "klantbeeldOpvragen",
                "summary": "Het klantbeeld van één persoon, beperkt tot het doel",
                "description": "Haalt de BRP-gegevens, zaken, contactgegevens en "
                "contactmomenten van de persoon live en parallel op bij de registers die het "
                "doel nodig heeft, laat alleen door wat het doel toestaat en legt de opvraging "
                "vast (Logboek Dataverwerkingen) voordat het antwoord vertrekt. Een register "
                "dat faalt kost alleen zijn sectie; `bronnen` zegt welke.",
                "tags": ["Klantbeeld"],
                "parameters": [
                    {"$ref": "#/components/parameters/" + name}
                    for name in ("X-Doelbinding", "X-Verwerking", "X-Gebruiker", "traceparent")
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref("KlantbeeldVerzoek")}},
                },
                "responses": {
                    "200": _json(
                        "Klantbeeld",
                        "Het klantbeeld. Ook als niemand de persoon kent (`klant: null`, "
                        "BRP `niet-gevonden`).",
                        "Cache-Control-NoStore",
                    ),
                    "400": _r("OngeldigVerzoek"),
                    "401": _r("NietGeauthenticeerd"),
                    "403": _r("Verboden"),
                    **_COMMON,
                    "413": _r("TeGroot"),
                    "415": _r("MediatypeNietOndersteund"),
                    "503": _r("NietBeschikbaar"),
                },
            }
        },
        "/doelen": {
            "get": {
                "operationId": "doelenOpvragen",
                "summary": "De doelen die dit token mag gebruiken",
                "tags": ["Doelbinding"],
                "responses": {
                    "200": _json("Doelen", "De doelen van deze afnemer."),
                    "401": _r("NietGeauthenticeerd"),
                    **_COMMON,
                },
            }
        },
        "/doelen/{doelId}": {
            "parameters": [{"$ref": "#/components/parameters/doelId"}],
            "get": {
                "operationId": "doelOpvragen",
                "summary": "Eén doel volledig",
                "description": "Velden, filters, grondslag, BRP-fields en wie het mag "
                "gebruiken. Beleid is geen geheim: elk geauthenticeerd token mag elk doel lezen.",
                "tags": ["Doelbinding"],
                "responses": {
                    "200": _json("Doel", "Het doel."),
                    "401": _r("NietGeauthenticeerd"),
                    **_COMMON,
                },
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapiOpvragen",
                "summary": "Dit OpenAPI-document",
                "tags": ["Platform"],
                "security": _PUBLIC,
                "responses": {
                    "200": _json("OpenAPIDocument", "Het OpenAPI 3.1-document van de façade."),
                    **_COMMON,
                },
            }
        },
        "/healthz": {
            "servers": root_server,
            "get": {
                "operationId": "gezondheid",
                "summary": "Het proces leeft",
                "tags": ["Platform"],
                "security": _PUBLIC,
                "responses": {"200": _json("Gezondheid", "Het proces leeft."), **_COMMON},
            },
        },
        "/readyz": {
            "servers": root_server,
            "get": {
                "operationId": "gereedheid",
                "summary": "Klaar voor verkeer",
                "description": "Configuratie geladen en de protocolleringssink bevestigt. "
                "Bevraagt nooit een register met persoonsgegevens.",
                "tags": ["Platform"],
                "security": _PUBLIC,
                "responses": {
                    "200": _json("Gereedheid", "Gereed.", "Cache-Control-NoStore"),
                    **_COMMON,
                    "503": _json(
                        "Gereedheid",
                        "Niet gereed: de protocollering bevestigt niet, dus zou elk klantbeeld "
                        "503 zijn.",
                        "Cache-Control-NoStore",
                    ),
                },
            },
        },
        "/metrics": {
            "servers": root_server,
            "get": {
                "operationId": "metrieken",
                "summary": "Metrieken voor Prometheus",
                "description": 'Alleen met `metrics_exporter = "prometheus"` (de standaard); '
                "anders 404. Geen persoonsgegevens in enig label.",
                "tags": ["Platform"],
                "security": _PUBLIC,
                "responses": {
                    "200": {
                        "description": "De metrieken in het Prometheus-tekstformaat.",
                        "headers": _header_refs(),
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    **_COMMON,
                },
            },
        },
    }


@cache
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (built once; treat as read-only)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Klantbeeld-façade",
            "version": API_VERSION,
            "summary": "Doelmatig Geïntegreerd Klantbeeld: één verzoek, vier registers, "
            "beperkt tot het doel, elke opvraging vastgelegd.",
            "description": "Eén verzoek levert het Doelmatig Geïntegreerd Klantbeeld (DGKB) van "
            "een inwoner: BRP-gegevens (Haal Centraal BRP Personen 2.x), zaken (ZGW Zaken + "
            "Catalogi), contactgegevens (Klanten 1.0, Klantinteracties) en contactmomenten "
            "(Contactmomenten 1.0, Klantinteracties), live opgehaald, beperkt tot het doel uit "
            "`X-Doelbinding` en vastgelegd als verwerking van persoonsgegevens. De façade "
            "bewaart zelf geen persoonsgegevens.\n\n"
            "Elke fout is `application/problem+json` (RFC 9457). Elk antwoord draagt de "
            "header `API-Version`.",
            "contact": {
                "name": "Beheer klantbeeld-façade",
                "url": "https://klantbeeld.example",
                "email": "klantbeeld@klantbeeld.example",
            },
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": SERVER, "description": "Deze façade, major-versie 1."}],
        "security": [{"bearerAuth": []}],
        "tags": [
            {"name": "Klantbeeld", "description": "Het klantbeeld van één persoon."},
            {"name": "Doelbinding", "description": "De doelen: wat elk doel mag zien en waarom."},
            {"name": "Platform", "description": "Gezondheid, gereedheid en dit document."},
        ],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "Een JWT van een vertrouwde issuer; issuer, audience, "
                    "vervaltijd en algoritme worden gecontroleerd. Scope of rol bepalen welke "
                    "doelen het token mag gebruiken.",
                }
            },
            "parameters": _parameters(),
            "headers": _headers(),
            "responses": _responses(),
            "schemas": _schemas(),
        },
    }


@cache
def _rendered() -> bytes:
    return json.dumps(document(), ensure_ascii=False).encode()


async def openapi(request: Request) -> Response:
    """The document; public, no token needed."""
    return Response(
        _rendered(),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=3600"},
    )
