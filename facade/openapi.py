"""The façade's OpenAPI 3.1 document, served at `/api/v1/openapi.json`.

Two halves, joined once, by `create_app` (a stale YAML refuses start-up):

- `openapi_static.yaml`, next to this module, is written by hand and read by a
  reviewer: info, paths, operations, parameters, headers, the problem
  responses and every schema that is not the view (the request, `Klantbeeld`,
  `Verwerking`, the doelen, health). Values owned by the code are written
  `!const NAME` there (`API_VERSION`, `MAX_FIELDS`, the register kinds, …).
- The view's schemas are generated here from the models the view is built
  from. `Klant`, `Zaak` and `Contactmoment` take their shape from the view tree
  in `policies.viewpaths` (so the BRP part follows the BRP Personen field
  list) and the type of each of the façade's own fields from the record
  TypedDicts in `vocabulary.records`; `Bron` and `BronProbleem` come from the
  TypedDicts in `facade.view`. For these schemas the YAML holds only words —
  descriptions, formats, examples — merged into what is generated. It may not
  type a field that a record types, nor name a field the view does not have:
  the document is then refused (RuntimeError), so it cannot drift.

The view objects say `additionalProperties: false`, so the conformance test in
`tests/openapi/` proves that no field outside the view tree leaves.

Lists are transparent in the view tree (`klant.partners.naam` is the name of
every partner), so a group below a record may be one object or a list of
them; its list items point back at the group's own schema. The BRP's leaves
are typed loosely (`Waarde`: they vary), the façade's own by their record.

Descriptions are in Dutch, like the Haal Centraal and ZGW APIs the façade sits among.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from types import NoneType, UnionType
from typing import (
    Any,
    Literal,
    NotRequired,
    Required,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

import yaml
from starlette.requests import Request
from starlette.responses import Response

from facade.problems import API_VERSION, PROBLEM_TYPE_BASE
from facade.settings import SOORTEN
from facade.validation import MAX_FIELDS
from facade.view import Bron, BronProbleem
from policies import viewpaths
from policies.viewpaths import Tree
from vocabulary.records import Contactgegevens, Contactmoment, Zaak

OPENAPI_PATH = "/api/v1/openapi.json"
SERVER = "/api/v1"

STATIC = Path(__file__).with_name("openapi_static.yaml")

Schema = dict[str, Any]

_SCHEMAS = "#/components/schemas/"

# What `!const NAME` in the YAML stands for.
_CONSTANTS: dict[str, Any] = {
    "API_VERSION": API_VERSION,
    "SERVER": SERVER,
    "MAX_FIELDS": MAX_FIELDS,
    "SOORTEN": list(SOORTEN),
    "PROBLEM_TYPE_EXAMPLE": PROBLEM_TYPE_BASE + "ongeldig-verzoek",
}

# Per view section: its schema and the record that types the façade's own fields
# in it. A klant is a BRP persoon (typed by the BRP specification, not by us)
# plus the contact details of `Contactgegevens`.
_VIEW: dict[str, tuple[str, type]] = {
    "klant": ("Klant", Contactgegevens),
    "zaken": ("Zaak", Zaak),
    "contactmomenten": ("Contactmoment", Contactmoment),
}

# Records outside the view tree, each the schema of its own name.
_RECORDS: tuple[type, ...] = (Bron, BronProbleem)

_JSON_TYPES: dict[Any, str] = {str: "string", bool: "boolean", int: "integer"}


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML (libyaml's when there: a tenth of the time) plus `!const NAME`."""


def _const(loader: Any, node: yaml.Node) -> Any:
    name = loader.construct_scalar(node)
    if name not in _CONSTANTS:
        raise RuntimeError(f"{STATIC.name}: unknown !const {name} ({node.start_mark})")
    return _CONSTANTS[name]


_Loader.add_constructor("!const", _const)


def _type(annotation: Any, where: str) -> Schema:
    """The JSON Schema of a record field's annotation: the few forms records use."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (UnionType, Union) and NoneType in args and len(args) == 2:
        schema = _type(next(a for a in args if a is not NoneType), where)
        if "type" not in schema:  # a record: its `$ref` admits no null of its own
            return {"anyOf": [schema, {"type": "null"}]}
        return {**schema, "type": [schema["type"], "null"]}
    if origin is list:
        return {"type": "array", "items": _type(args[0], where)}
    if origin is Literal and all(isinstance(a, str) for a in args):
        return {"type": "string", "enum": list(args)}
    if is_typeddict(annotation):
        return {"$ref": _SCHEMAS + annotation.__name__}
    if annotation in _JSON_TYPES:
        return {"type": _JSON_TYPES[annotation]}
    raise RuntimeError(f"{where}: no JSON Schema for the annotation {annotation!r}")


def _fields(record: type | None) -> dict[str, tuple[Any, bool]]:
    """A record's fields: annotation and whether the key is required.

    Read from the annotations, not `__required_keys__`: on Python 3.11 that
    misses `NotRequired` in a module with postponed annotations.
    """
    if record is None:
        return {}
    fields = {}
    for name, hint in get_type_hints(record, include_extras=True).items():
        required = record.__total__  # type: ignore[attr-defined]
        if get_origin(hint) in (NotRequired, Required):
            required, hint = get_origin(hint) is Required, get_args(hint)[0]
        fields[name] = (hint, required)
    return fields


def _record_of(annotation: Any) -> type | None:
    """The record inside `X`, `X | None` or `list[X]`; None for a field that is no record."""
    while not is_typeddict(annotation):
        inner = [a for a in get_args(annotation) if a is not NoneType]
        if len(inner) != 1:
            return None
        annotation = inner[0]
    return annotation


def _words(words: Schema, names: Tree | dict[str, Any], where: str) -> tuple[Schema, Schema]:
    """The YAML's words for one object: its own keys, and per property; unknown names refused."""
    own = {key: value for key, value in words.items() if key != "properties"}
    given: Schema = words.get("properties", {})
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise RuntimeError(f"{STATIC.name} describes {where}.{unknown}, which the model lacks")
    return own, given


def _field(annotation: Any, words: Schema, where: str) -> Schema:
    if "type" in words or "$ref" in words:
        raise RuntimeError(f"{STATIC.name} types {where}, which its record already types")
    return {**_type(annotation, where), **words}


def _pointer(base: str, *parts: str) -> str:
    return "/".join([base, *(p.replace("~", "~0").replace("/", "~1") for p in parts)])


def _view_leaf(annotation: Any, words: Schema, path: str) -> Schema:
    if annotation is not None:
        return _field(annotation, words, path)
    if "type" in words:
        return words  # a field the view derives, such as a contact's `zaken`
    if viewpaths.is_brp_path(path):
        return {"$ref": _SCHEMAS + "Waarde", **words}  # the BRP's leaves vary
    raise RuntimeError(f"{path}: neither a record nor {STATIC.name} types it")


def _view_node(
    tree: Tree, record: type | None, words: Schema, pointer: str, path: str, *, root: bool
) -> Schema:
    """The schema of one group of the view tree, found at `pointer` in the document.

    A record (a section's root) is an object; a group below it may also be a
    list of such objects, whose items refer back to this very schema.
    """
    hints = {name: hint for name, (hint, _) in _fields(record).items()}
    own, given = _words(words, tree, path)
    properties: Schema = {}
    for name, sub in sorted(tree.items()):
        here, child_path = given.get(name, {}), f"{path}.{name}"
        if sub is None:
            properties[name] = _view_leaf(hints.get(name), here, child_path)
        else:
            child = _pointer(pointer, "properties", name)
            sub_record = _record_of(hints.get(name))
            properties[name] = _view_node(sub, sub_record, here, child, child_path, root=False)
    schema: Schema = {"properties": properties, "additionalProperties": False}
    if root:
        return {**own, "type": "object", **schema}
    items = {"$ref": pointer, "type": "object"}
    return {**own, "type": ["object", "array"], **schema, "items": items}


def _record_schema(record: type, words: Schema) -> Schema:
    """A record outside the view tree: every field, the required ones as the TypedDict says."""
    fields = _fields(record)
    own, given = _words(words, fields, record.__name__)
    return {
        "type": "object",
        **own,
        "required": [name for name, (_, required) in fields.items() if required],
        "properties": {
            name: _field(hint, given.get(name, {}), f"{record.__name__}.{name}")
            for name, (hint, _) in fields.items()
        },
        "additionalProperties": False,
    }


@cache
def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (built once, by `create_app`; treat as read-only)."""
    missing = set(viewpaths.SECTIONS) ^ set(_VIEW)
    if missing:
        raise RuntimeError(f"view sections without (or with a stale) schema: {sorted(missing)}")
    doc: dict[str, Any] = yaml.load(STATIC.read_text(encoding="utf-8"), Loader=_Loader)
    schemas = doc["components"]["schemas"]
    # Replacing in place keeps each schema where the YAML puts it.
    for section, (name, record) in _VIEW.items():
        schemas[name] = _view_node(
            viewpaths.VIEW[section], record, schemas[name], _SCHEMAS + name, section, root=True
        )
    # An ondernemer's klant: its own schema, from its own tree (told apart by `kvkNummer`).
    ondernemer = _view_node(
        viewpaths.ONDERNEMER_VIEW["klant"],
        Contactgegevens,
        schemas["KlantOndernemer"],
        _SCHEMAS + "KlantOndernemer",
        "klant",
        root=True,
    )
    schemas["KlantOndernemer"] = {**ondernemer, "required": ["kvkNummer"]}
    for record in _RECORDS:
        schemas[record.__name__] = _record_schema(record, schemas[record.__name__])
    return doc


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
