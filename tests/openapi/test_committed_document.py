"""The published contract is a file in the repository, and the served one is the same.

`openapi.yaml` is what a reviewer reads in a pull request and what another
system's developer generates a client from: a change of the API shows as a diff
of that file. After a deliberate change: `UPDATE_OPENAPI=1 ./dev test
tests/openapi/test_committed_document.py`, and commit the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from tests.harness import Facade

COMMITTED = Path(__file__).resolve().parents[2] / "openapi.yaml"
HEADER = (
    "# The klantbeeld façade's OpenAPI document, as GET /api/v1/openapi.json serves it.\n"
    "# Generated from facade/openapi_static.yaml and the view's models (facade/openapi.py);\n"
    "# tests/openapi/test_committed_document.py keeps the two equal (UPDATE_OPENAPI=1\n"
    "# rewrites this file).\n"
)


async def test_the_served_document_is_the_committed_openapi_yaml(facade: Facade) -> None:
    served = (await facade.client.get("/api/v1/openapi.json")).json()
    if os.environ.get("UPDATE_OPENAPI"):
        text = yaml.safe_dump(served, allow_unicode=True, sort_keys=False, width=100)
        COMMITTED.write_text(HEADER + text, encoding="utf-8")
    committed = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    assert served == committed, (
        "the served OpenAPI document differs from openapi.yaml: if the change is meant, "
        "run UPDATE_OPENAPI=1 ./dev test tests/openapi/test_committed_document.py"
    )
