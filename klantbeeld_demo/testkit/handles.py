"""The running kit as a test sees it: the façade's URL, tokens, audit records, and
switches that make its registers fail or slow down."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jwt
from starlette.applications import Starlette

from facade.settings import Settings
from klantbeeld_demo.registers import (
    Fault,
)
from klantbeeld_demo.testkit.persons import FAULTS, PERSONEN
from klantbeeld_demo.testkit.runner import _Runner

_HTTP_TIMEOUT_SECONDS = 15.0  # above budget + audit deadline of the demo


@dataclass
class RegistersHandle:
    """The simulated registers of one running kit: make them fail or slow down."""

    base_url: str
    app: Starlette
    aliases: Mapping[str, str] = field(default_factory=dict)  # façade register naam → demo
    baseline_latency: Mapping[str, float] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """Every endpoint name ("zaken.list", …) the registers know."""
        return tuple(self.app.state.endpoint_names)

    def fail(self, register: str, how: str | int = "503") -> None:
        """Make a register (or one endpoint) fail until heal().

        `register`: a demo register ("brp", "zaken", "catalogi", "klanten",
        "contactmomenten", "klantinteracties", "zaaksysteem2", "catalogi2"), a
        façade register name as in `bronnen` ("openzaak", "openklant-klanten", …)
        or one endpoint ("zaken.list"). `how`: "503", "500", "hang",
        "invalid-json", or any HTTP status as a number (an HTML error page).
        """
        if isinstance(how, int):
            fault = Fault.http_status(how)
        elif how in FAULTS:
            fault = FAULTS[how]
        else:
            raise ValueError(f"unknown fault {how!r}; known: {', '.join(FAULTS)} or a status")
        self.app.state.faults.set(self._target(register), fault)

    def slow(self, endpoint_or_register: str, seconds: float) -> None:
        """Delay a register's endpoints (or one endpoint) by `seconds`, until heal()."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        target = self._target(endpoint_or_register)
        latency: dict[str, float] = self.app.state.latency
        if target in self.names:
            latency[target] = seconds
            return
        # A register: its request endpoints, not the per-item `expand` surcharges.
        for name in self.names:
            if name.startswith(target + ".") and name.count(".") == 1:
                latency[name] = seconds

    def clear(self, register: str) -> None:
        """One register (or endpoint) back to normal: its fault and delays removed."""
        target = self._target(register)
        self.app.state.faults.clear(target)
        latency: dict[str, float] = self.app.state.latency
        for name in [n for n in latency if n == target or n.startswith(target + ".")]:
            del latency[name]

    def heal(self) -> None:
        """Every fault cleared (hanging requests resume), latency back to the start value."""
        self.app.state.faults.clear()
        latency: dict[str, float] = self.app.state.latency
        latency.clear()
        latency.update(self.baseline_latency)

    def _target(self, name: str) -> str:
        name = self.aliases.get(name, name)
        registers = {n.split(".", 1)[0] for n in self.names}
        if name in registers or name in self.names:
            return name
        known = sorted(registers | set(self.aliases))
        raise ValueError(
            f"unknown register or endpoint {name!r}; registers: {', '.join(known)}; "
            "endpoints: RegistersHandle.names"
        )


@dataclass
class RunningFacade:
    """A running façade on the simulated registers, on loopback."""

    base_url: str
    registers: RegistersHandle
    settings: Settings
    audit_file: Path
    today: date  # the kit's calendar: demo data and the doelen's windows are relative to it
    _signing_key: bytes = field(repr=False)
    _runner: _Runner = field(repr=False)
    _audit_offset: int = field(default=0, repr=False)
    _client: httpx.Client | None = field(default=None, repr=False)

    PERSONEN = PERSONEN

    def token(
        self,
        scope: str | Sequence[str] | None = "klantbeeld.kcc",
        *,
        rol: str | Sequence[str] | None = None,
        bsn: str | None = None,
        sub: str = "kcc-medewerker-1",
        ttl: int = 300,
        **claims: Any,
    ) -> str:
        """A demo caller token (RS256). `scope=None` leaves the scope out (a role-only
        token); `bsn` is the self-service claim (use scope "klantbeeld.zelfbediening");
        extra `claims` are added, a claim set to None is removed."""
        auth = self.settings.caller_auth
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": auth.issuers[0],
            "aud": auth.audience,
            "sub": sub,
            "iat": now,
            "exp": now + ttl,
            "client_id": "klantbeeld-testkit",
        }
        if scope is not None:
            payload[auth.scope_claim] = scope if isinstance(scope, str) else " ".join(scope)
        if rol is not None:
            payload[auth.roles_claim] = [rol] if isinstance(rol, str) else list(rol)
        if bsn is not None:
            payload[auth.bsn_claim] = bsn
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(payload, self._signing_key, algorithm="RS256")

    def klantbeeld(
        self,
        bsn: str,
        doel: str | None = "kcc-algemene-vraag",
        token: str | None = None,
        *,
        fields: Sequence[str] | None = None,
        **headers: str,
    ) -> httpx.Response:
        """POST /api/v1/klantbeeld. Extra headers as keywords, `_` for `-`
        (`x_gebruiker="Jan"` sends `x-gebruiker: Jan`)."""
        sent = {"Authorization": f"Bearer {token or self.token()}"}
        if doel is not None:
            sent["X-Doelbinding"] = doel
        sent.update({name.replace("_", "-"): value for name, value in headers.items()})
        body: dict[str, Any] = {"burgerservicenummer": bsn}
        if fields is not None:
            body["fields"] = list(fields)
        return self.http.post("/api/v1/klantbeeld", json=body, headers=sent)

    def zoeken(
        self,
        zoekvraag: Mapping[str, Any],
        doel: str | None = "kcc-algemene-vraag",
        token: str | None = None,
        **headers: str,
    ) -> httpx.Response:
        """POST /api/v1/personen/zoeken with one query shape, e.g.
        `{"geslachtsnaam": "Berg", "geboortedatum": "1983-05-26"}`, `{"postcode": "1998AB",
        "huisnummer": 12}` or `{"telefoonnummer": "06-87001122"}`."""
        sent = {"Authorization": f"Bearer {token or self.token()}"}
        if doel is not None:
            sent["X-Doelbinding"] = doel
        sent.update({name.replace("_", "-"): value for name, value in headers.items()})
        return self.http.post("/api/v1/personen/zoeken", json=dict(zoekvraag), headers=sent)

    def ondernemer(
        self,
        kvk_nummer: str,
        doel: str | None = "kcc-algemene-vraag",
        token: str | None = None,
        *,
        vestigingsnummer: str | None = None,
        fields: Sequence[str] | None = None,
        **headers: str,
    ) -> httpx.Response:
        """POST /api/v1/klantbeeld for an ondernemer: a kvkNummer (and optionally one
        vestigingsnummer) instead of a BSN (see `ONDERNEMERS`)."""
        sent = {"Authorization": f"Bearer {token or self.token()}"}
        if doel is not None:
            sent["X-Doelbinding"] = doel
        sent.update({name.replace("_", "-"): value for name, value in headers.items()})
        body: dict[str, Any] = {"kvkNummer": kvk_nummer}
        if vestigingsnummer is not None:
            body["vestigingsnummer"] = vestigingsnummer
        if fields is not None:
            body["fields"] = list(fields)
        return self.http.post("/api/v1/klantbeeld", json=body, headers=sent)

    def klantbeeld_van(
        self,
        zoekresultaat: str,
        doel: str | None = "kcc-algemene-vraag",
        token: str | None = None,
        **headers: str,
    ) -> httpx.Response:
        """POST /api/v1/klantbeeld with a search's `zoekresultaat` instead of a BSN."""
        sent = {"Authorization": f"Bearer {token or self.token()}"}
        if doel is not None:
            sent["X-Doelbinding"] = doel
        sent.update({name.replace("_", "-"): value for name, value in headers.items()})
        body = {"zoekresultaat": zoekresultaat}
        return self.http.post("/api/v1/klantbeeld", json=body, headers=sent)

    @property
    def http(self) -> httpx.Client:
        """An httpx client with `base_url` set (closed when the kit stops)."""
        if self._client is None:
            self._client = httpx.Client(base_url=self.base_url, timeout=_HTTP_TIMEOUT_SECONDS)
        return self._client

    def audit_records(self) -> list[dict[str, Any]]:
        """The protocollering records written since start (or the last reset()):
        Logboek Dataverwerkingen spans as JSON objects (`record` is "dataverwerking"
        or "audit"); the BSN appears only as a pseudonym."""
        try:
            data = self.audit_file.read_bytes()
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in data[self._audit_offset :].splitlines() if line]

    def verwerkingsacties(self) -> list[dict[str, Any]]:
        """The records the simulated Verwerkingenlogging holds (kit started with
        `logboek="verwerkingenlogging"`), as the write API stored them: `verwerkingNaam`,
        `handelingNaam`, `verwerkteObjecten` with pseudonyms, never a BSN."""
        return [dict(actie) for actie in self.registers.app.state.verwerkingsacties]

    def mijn_verwerkingen(self, token: str, **params: str | int) -> httpx.Response:
        """GET /api/v1/mijn-verwerkingen with a zelfbediening token (`token(scope=
        "klantbeeld.zelfbediening", bsn=…)`); `params` as query (vanaf, tot, pagina, …)."""
        return self.http.get(
            "/api/v1/mijn-verwerkingen",
            params={k: str(v) for k, v in params.items()},
            headers={"Authorization": f"Bearer {token}"},
        )

    def heal(self) -> None:
        """Clear every fault and latency, and close the façade's circuit breakers."""
        self.registers.heal()
        self._runner.call(self._runner.close_breakers)

    def reset(self) -> None:
        """heal(), and audit_records() from here on only shows new records."""
        self.heal()
        with contextlib.suppress(FileNotFoundError):
            self._audit_offset = self.audit_file.stat().st_size
