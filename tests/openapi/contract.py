"""Checking real responses of the façade against its OpenAPI document.

`Contract.check(response)` finds the operation for the response's request,
fails when its status or content type is not documented there, when a required
documented header (`API-Version`, `Cache-Control`, …) is missing, or when the
body does not validate against the documented schema (JSON Schema 2020-12,
`$ref`s resolved within the whole document). For a 2xx it also checks the
request against the documented request body and header parameters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from facade.openapi import document

BASE = "urn:klantbeeld:openapi"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Operation:
    template: str  # server + path, e.g. /api/v1/doelen/{doelId}
    path: str  # the key under `paths`
    method: str
    spec: dict[str, Any]
    path_item: dict[str, Any]


@dataclass
class Contract:
    doc: dict[str, Any] = field(default_factory=document)
    seen: set[tuple[str, str, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.registry: Registry = Registry().with_resource(
            BASE, DRAFT202012.create_resource(self.doc)
        )
        self.operations: list[tuple[re.Pattern[str], Operation]] = []
        for path, item in self.doc["paths"].items():
            servers = item.get("servers") or self.doc.get("servers") or [{"url": "/"}]
            for server in servers:
                template = server["url"].rstrip("/") + path
                pattern = re.compile(
                    "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
                )
                for method in METHODS:
                    if method in item:
                        op = Operation(template, path, method, item[method], item)
                        self.operations.append((pattern, op))

    # -- lookup -------------------------------------------------------------

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#/").split("/")
            found: Any = self.doc
            for part in pointer:
                found = found[part.replace("~1", "/").replace("~0", "~")]
            node = found
        return node

    @staticmethod
    def pointer(node: dict[str, Any], base: str, *parts: str) -> str:
        """A JSON pointer (`/a/b`) to `node`: its `$ref`, or `base` plus the escaped `parts`."""
        if "$ref" in node:
            return node["$ref"].removeprefix("#")
        return "/".join([base, *(p.replace("~", "~0").replace("/", "~1") for p in parts)])

    def operations_for(self, url_path: str) -> list[Operation]:
        return [op for pattern, op in self.operations if pattern.match(url_path)]

    def validator(self, schema_pointer: str) -> Draft202012Validator:
        return Draft202012Validator(
            {"$ref": BASE + "#" + schema_pointer},
            registry=self.registry,
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )

    def validate(self, instance: Any, schema_pointer: str) -> None:
        errors = sorted(
            self.validator(schema_pointer).iter_errors(instance), key=lambda e: list(e.path)
        )
        if errors:
            lines = [f"{'/'.join(map(str, e.path)) or '<root>'}: {e.message[:300]}" for e in errors]
            raise AssertionError(
                f"{len(errors)} schema error(s) against {schema_pointer}:\n" + "\n".join(lines[:20])
            )

    # -- the check ------------------------------------------------------------

    def documented_response(self, method: str, url_path: str, status: int) -> tuple[str, dict]:
        """The documented response (its pointer and itself) for this request and status."""
        ops = self.operations_for(url_path)
        method = method.lower()
        if not ops:
            # No such path in the document: the app must answer the generic 404.
            assert status == 404, f"{method.upper()} {url_path}: undocumented path gave {status}"
            pointer = "/components/responses/NietGevonden"
            return pointer, self.resolve({"$ref": "#" + pointer})
        matching = [op for op in ops if op.method == method]
        if not matching:
            # A known path, a method it does not have: 405, documented on its operations.
            assert status == 405, f"{method.upper()} {url_path}: undocumented method gave {status}"
            candidates = [op for op in ops if "405" in op.spec["responses"]]
            assert candidates, f"{url_path}: 405 is not documented on any of its operations"
            op = candidates[0]
        else:
            op = matching[0]
        responses = op.spec["responses"]
        assert str(status) in responses, (
            f"{method.upper()} {op.template}: status {status} is not documented "
            f"(documented: {sorted(responses)})"
        )
        self.seen.add((op.template, op.method, status))
        ref = responses[str(status)]
        pointer = self.pointer(ref, "", "paths", op.path, op.method, "responses", str(status))
        return pointer, self.resolve(ref)

    def check(self, response: httpx.Response) -> None:
        request = response.request
        where = f"{request.method} {request.url.path} → {response.status_code}"
        pointer, documented = self.documented_response(
            request.method, request.url.path, response.status_code
        )
        # Headers: API-Version always, with the document's version; every required one present.
        assert response.headers.get("api-version") == self.doc["info"]["version"], where
        for name, header in documented.get("headers", {}).items():
            header = self.resolve(header)
            if header.get("required"):
                assert name.lower() in response.headers, f"{where}: header {name} missing"
            if name.lower() in response.headers and "schema" in header:
                value: Any = response.headers[name.lower()]
                if self.resolve(header["schema"]).get("type") == "integer":
                    assert value.isdigit(), f"{where}: header {name}={value!r} is not an integer"
                    value = int(value)
                header_pointer = self.pointer(documented["headers"][name], pointer, "headers", name)
                self.validate(value, header_pointer + "/schema")
        # Content type and body.
        content = documented.get("content", {})
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        assert media_type in content, (
            f"{where}: content type {media_type!r} is not documented ({sorted(content)})"
        )
        body: Any = response.json() if media_type.endswith("json") else response.text
        self.validate(body, self.pointer({}, pointer, "content", media_type, "schema"))
        if 200 <= response.status_code < 300:
            self.check_request(request)

    def check_request(self, request: httpx.Request) -> None:
        """A request the app accepted must be one the document allows."""
        (op,) = [
            op
            for op in self.operations_for(request.url.path)
            if op.method == request.method.lower()
        ]
        params = [
            self.resolve(p)
            for p in op.path_item.get("parameters", []) + op.spec.get("parameters", [])
        ]
        for param in params:
            if param["in"] != "header":
                continue
            value = request.headers.get(param["name"])
            assert value is not None or not param.get("required"), param["name"]
            if value is not None:
                errors = list(Draft202012Validator(param["schema"]).iter_errors(value))
                assert not errors, f"header {param['name']}: {errors[0].message}"
        body = op.spec.get("requestBody")
        if body:
            content_type = request.headers.get("content-type", "").split(";")[0]
            assert content_type in body["content"], content_type
            schema = body["content"][content_type]["schema"]
            self.validate(json.loads(request.content), schema["$ref"].removeprefix("#"))
