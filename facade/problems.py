"""Errors as RFC 9457 problem details (`application/problem+json`).

Every error the façade returns goes through here: a stable `type`, a Dutch
`title` and `detail`, `invalidParams` for validation, never a stack trace, an
upstream URL or personal data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, TypedDict

from starlette.responses import Response

PROBLEM_TYPE_BASE = "https://klantbeeld.example/problemen/"
API_VERSION = "1.1.0"


class InvalidParam(TypedDict):
    name: str
    code: str
    reason: str


@dataclass
class Problem(Exception):
    status: int
    code: str
    title: str
    detail: str
    invalid_params: list[InvalidParam] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "code": self.code,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.invalid_params:
            body["invalidParams"] = self.invalid_params
        return body


class ProblemResponse(Response):
    media_type = "application/problem+json"

    def __init__(self, problem: Problem) -> None:
        super().__init__(
            content=json.dumps(problem.body(), ensure_ascii=False).encode(),
            status_code=problem.status,
            headers={"Cache-Control": "no-store", **problem.headers},
        )


def invalid(name: str, code: str, reason: str) -> InvalidParam:
    return {"name": name, "code": code, "reason": reason}


def bad_request(params: list[InvalidParam]) -> Problem:
    return Problem(
        400,
        "ongeldig-verzoek",
        "Het verzoek is ongeldig.",
        "Een of meer parameters zijn ongeldig; zie invalidParams.",
        invalid_params=params,
    )


def unauthorized(detail: str) -> Problem:
    return Problem(
        401,
        "niet-geauthenticeerd",
        "Niet geauthenticeerd.",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="klantbeeld"'},
    )


def forbidden(detail: str, params: list[InvalidParam] | None = None) -> Problem:
    return Problem(403, "verboden", "Geen toegang.", detail, invalid_params=params or [])


def unavailable(code: str, detail: str, retry_after: int | None = None) -> Problem:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return Problem(503, code, "Dienst tijdelijk niet beschikbaar.", detail, headers=headers)


def internal_error() -> Problem:
    return Problem(
        500,
        "interne-fout",
        "Interne fout.",
        "Er ging iets mis in de façade; probeer het later opnieuw.",
    )
