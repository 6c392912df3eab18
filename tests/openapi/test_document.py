"""The OpenAPI document itself: valid OpenAPI 3.1, NL API Design Rules, true to the code."""

from __future__ import annotations

import json
from typing import Any, get_args

import pytest
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from starlette.routing import Route

from facade import openapi as module
from facade.app import create_app
from facade.openapi import document
from facade.problems import API_VERSION
from facade.settings import SOORTEN
from facade.validation import MAX_FIELDS
from facade.view import Bron
from policies import viewpaths
from tests.harness import Facade, demo_settings
from tests.openapi.contract import METHODS, Contract
from vocabulary.enums import BronStatus
from vocabulary.records import Zaak


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


@pytest.fixture(scope="module")
def contract() -> Contract:
    return Contract()


def test_the_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    validate(doc, cls=OpenAPIV31SpecValidator)
    # What is served is JSON: nothing in it that json cannot carry.
    assert json.loads(json.dumps(doc)) == doc


def test_info_follows_the_nl_api_design_rules(doc: dict[str, Any]) -> None:
    info = doc["info"]
    assert info["version"] == API_VERSION
    assert info["license"] == {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}
    assert {"name", "url", "email"} <= set(info["contact"])
    assert doc["servers"][0]["url"] == "/api/v1"
    for path in doc["paths"]:
        assert path == "/" or not path.endswith("/"), path  # "/": the façade's start
        assert path == path.lower() or "{" in path, path


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, item[method])
        for path, item in doc["paths"].items()
        for method in METHODS
        if method in item
    ]


def test_every_response_carries_api_version_and_every_error_is_a_problem(
    doc: dict[str, Any], contract: Contract
) -> None:
    for path, method, op in _operations(doc):
        assert op.get("operationId") and op.get("summary"), (path, method)
        for status, response in op["responses"].items():
            response = contract.resolve(response)
            where = (path, method, status)
            headers = response.get("headers", {})
            assert contract.resolve(headers["API-Version"])["required"] is True, where
            if int(status) >= 400 and not (path == "/readyz" and status == "503"):
                assert list(response["content"]) == ["application/problem+json"], where
                assert response["content"]["application/problem+json"]["schema"] == {
                    "$ref": "#/components/schemas/Probleem"
                }, where
    probleem = doc["components"]["schemas"]["Probleem"]
    assert set(probleem["required"]) == {"type", "code", "title", "status", "detail"}
    assert "invalidParams" in probleem["properties"]


def test_the_klantbeeld_operation_documents_its_headers_body_and_statuses(
    doc: dict[str, Any], contract: Contract
) -> None:
    op = doc["paths"]["/klantbeeld"]["post"]
    params = {contract.resolve(p)["name"]: contract.resolve(p) for p in op["parameters"]}
    assert set(params) == {"X-Doelbinding", "X-Verwerking", "X-Gebruiker", "traceparent"}
    assert params["X-Doelbinding"]["required"] is True
    assert all(p["in"] == "header" for p in params.values())
    assert "security" not in op  # the document's default: the bearer JWT
    assert doc["security"] == [{"bearerAuth": []}]
    scheme = doc["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    verzoek = doc["components"]["schemas"]["KlantbeeldVerzoek"]
    assert verzoek["properties"]["burgerservicenummer"]["pattern"] == "^[0-9]{9}$"
    assert verzoek["properties"]["fields"]["maxItems"] == MAX_FIELDS
    # Exactly one of the BSN, a search's handle (issue 14) and a kvkNummer (issue 15).
    assert verzoek["properties"]["kvkNummer"]["pattern"] == "^[0-9]{8}$"
    assert verzoek["properties"]["vestigingsnummer"]["pattern"] == "^[0-9]{12}$"
    assert verzoek["oneOf"] == [
        {"required": ["burgerservicenummer"]},
        {"required": ["zoekresultaat"]},
        {"required": ["kvkNummer"]},
    ]
    statuses = set(op["responses"])
    assert {"200", "400", "401", "403", "404", "405", "413", "415", "503"} <= statuses
    unavailable = contract.resolve(op["responses"]["503"])
    assert "Retry-After" in unavailable["headers"]


def test_public_endpoints_need_no_token(doc: dict[str, Any]) -> None:
    public = {path for path, _, op in _operations(doc) if op.get("security") == []}
    assert public == {"/", "/openapi.json", "/healthz", "/readyz", "/metrics"}


def _app_routes() -> set[tuple[str, str]]:
    app: Any = create_app(demo_settings())
    while not hasattr(app, "routes"):
        app = app.app  # through the ASGI wrappers around the Starlette app
    return {
        (route.path, method.lower())
        for route in app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }


def test_every_route_of_the_app_is_documented_and_nothing_else(
    doc: dict[str, Any], contract: Contract
) -> None:
    documented = {
        (op.template.replace("{doelId}", "{doel_id}"), op.method) for _, op in contract.operations
    }
    assert _app_routes() == documented


def _paths(tree: viewpaths.Tree, prefix: str) -> set[str]:
    found = set()
    for name, sub in tree.items():
        found.add(f"{prefix}.{name}")
        if sub is not None:
            found |= _paths(sub, f"{prefix}.{name}")
    return found


def _schema_paths(schema: dict[str, Any], prefix: str) -> set[str]:
    found = set()
    for name, sub in schema.get("properties", {}).items():
        found.add(f"{prefix}.{name}")
        found |= _schema_paths(sub, f"{prefix}.{name}")
    return found


def test_the_view_schemas_are_exactly_the_view_tree(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    klantbeeld = schemas["Klantbeeld"]
    assert set(klantbeeld["properties"]) == {*viewpaths.SECTIONS, "bronnen", "verwerking"}
    assert set(klantbeeld["required"]) == {"bronnen", "verwerking"}
    for section, (name, _) in module._VIEW.items():
        schema = schemas[name]
        assert _schema_paths(schema, section) == _paths(viewpaths.VIEW[section], section)
        assert schema["additionalProperties"] is False
    # Every BRP field is in the Klant schema, under its Haal Centraal name.
    assert {p.split(".", 1)[1] for p in _paths(viewpaths.VIEW["klant"], "klant")} >= {
        "naam.volledigeNaam",
        "verblijfplaats.verblijfadres.officieleStraatnaam",
        "partners.naam.voornamen",
        "geheimhoudingPersoonsgegevens",
    }
    bron = schemas["Bron"]
    assert bron["properties"]["soort"]["enum"] == list(SOORTEN)
    assert bron["properties"]["status"]["enum"] == list(get_args(BronStatus))
    assert bron["required"] == ["bron", "soort", "status", "startMs", "duurMs", "afgekapt"]
    assert schemas["BronProbleem"]["required"] == ["title"]


def test_the_facades_own_fields_are_typed_by_their_records(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    zaak = schemas["Zaak"]["properties"]
    assert zaak["identificatie"]["type"] == ["string", "null"]  # Zaak.identificatie: str | None
    assert zaak["status"]["properties"]["isEindstatus"]["type"] == ["boolean", "null"]
    contact = schemas["Contactmoment"]["properties"]
    assert contact["vertrouwelijk"]["type"] == "boolean"  # Contactmoment.vertrouwelijk: bool
    vraag = contact["openstaandeVragen"]["properties"]["status"]
    assert vraag["type"] == ["string", "null"]
    email = schemas["Klant"]["properties"]["emailadressen"]["properties"]
    assert email["isStandaard"] == {
        "type": "boolean",
        "description": "Het standaardadres van de partij (alleen uit Klantinteracties).",
    }
    # The BRP's own leaves stay loose; the YAML's words land on the generated schema.
    assert schemas["Klant"]["properties"]["aNummer"] == {"$ref": "#/components/schemas/Waarde"}
    assert zaak["registratiedatum"] == {"type": ["string", "null"], "format": "date"}


def test_the_yaml_may_only_describe_what_the_models_have() -> None:
    tree = viewpaths.VIEW["zaken"]

    def zaak(words: dict[str, Any]) -> dict[str, Any]:
        pointer = "#/components/schemas/Zaak"
        return module._view_node(tree, Zaak, words, pointer, "zaken", root=True)

    with pytest.raises(RuntimeError, match="which the model lacks"):
        zaak({"properties": {"geheim": {"description": "Niet in de view."}}})
    with pytest.raises(RuntimeError, match="which its record already types"):
        zaak({"properties": {"identificatie": {"type": "string"}}})
    with pytest.raises(RuntimeError, match="which the model lacks"):
        module._record_schema(Bron, {"properties": {"aantal": {}}})
    with pytest.raises(RuntimeError, match="neither a record nor"):
        module._view_leaf(None, {}, "contactmomenten.zaken")


def test_an_unknown_constant_in_the_yaml_is_refused() -> None:
    with pytest.raises(RuntimeError, match="unknown !const"):
        yaml.load("version: !const NIET_BEKEND", Loader=module._Loader)


def test_a_group_may_be_one_object_or_a_list_of_them(contract: Contract) -> None:
    """Lists are transparent in the view tree: `klant.partners` is a list, `klant.naam` not."""
    pointer = "/components/schemas/Klant/properties/partners"
    one = {"naam": {"voornamen": "Pieter"}}
    contract.validate(one, pointer)
    contract.validate([one, one], pointer)
    with pytest.raises(AssertionError, match="onbekend"):
        contract.validate([{"naam": {"onbekend": 1}}], pointer)
    with pytest.raises(AssertionError):
        contract.validate([[one]], pointer)


async def test_the_document_is_served_without_a_token(facade: Facade) -> None:
    response = await facade.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"].startswith("public")
    assert response.headers["api-version"] == API_VERSION
    assert response.json() == document()
