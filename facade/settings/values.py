"""What the rest of the façade reads: the settings as frozen dataclasses.

facade/settings/schema.py validates a file and builds these; nothing after start-up
sees pydantic. Secrets are plain strings here (the connectors send them), kept out
of every repr so a logged settings object never shows one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from facade.observability import ObservabilitySettings

DEMO_REGISTERS_PLACEHOLDER = "{demo_registers}"


class SettingsError(Exception):
    def __init__(
        self,
        problems: list[str],
        policy_files: tuple[Path, Path] | None = None,
        registers: tuple[RegisterSettings, ...] = (),
    ) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        # What the file said as far as it could be read: check-config reports the
        # doelen's problems and their registers' coverage in the same run.
        self.policy_files = policy_files
        self.registers = registers


@dataclass(frozen=True)
class RegisterAuth:
    type: str = "none"  # none | api-key | zgw-jwt | token
    header: str = "X-API-KEY"
    key: str | None = field(default=None, repr=False)
    client_id: str | None = None
    secret: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RegisterSettings:
    naam: str
    soort: str
    url: str
    auth: RegisterAuth = field(default_factory=RegisterAuth)
    deadline_ms: int = 1500
    max_pages: int = 10
    page_size: int | None = None
    resolve: str = "follow-up"
    ondernemer_filter: str | None = None  # Zaken: "kvkNummer", or None (RSIN, innNnpId)
    max_response_bytes: int = 10 * 1024 * 1024
    max_connections: int = 100
    ca_bundle: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    origin_oin: str | None = None
    brp_headers: dict[str, str | None] = field(default_factory=dict)
    breaker_failures: int = 5
    breaker_cooldown_ms: int = 10000
    objecttype: str | None = None  # Toestemming: the objecttype URL of `toestemming` objects


# BRP gateways read protocollering from headers whose names differ per gateway.
BRP_HEADER_DEFAULTS: dict[str, str | None] = {
    "doelbinding": "x-doelbinding",
    "verwerking": "x-verwerking",
    "gebruiker": "x-gebruiker",
    "origin_oin": "x-origin-oin",
}


@dataclass(frozen=True)
class CallerAuthSettings:
    issuers: tuple[str, ...]
    audience: str
    algorithms: tuple[str, ...] = ("RS256",)
    public_key_file: str | None = None
    jwks_url: str | None = None
    hs256_secret: str | None = field(default=None, repr=False)
    scope_claim: str = "scope"
    roles_claim: str = "roles"
    bsn_claim: str = "bsn"
    kvk_claim: str | None = None  # eHerkenning's kvkNummer: self-service for a business
    leeway_seconds: int = 30


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    max_body_bytes: int = 8192
    max_in_flight: int = 64
    # Worker processes (`klantbeeld serve --workers` overrides): one per core.
    workers: int = 1
    # Browser origins that may call the API (CORS); empty: none.
    cors_origins: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoSettings:
    registers: bool = False
    registers_host: str = "127.0.0.1"
    registers_port: int = 8181
    # Seconds of delay per demo endpoint ("brp.personen", "zaken.list", …), to
    # show what a slow register does to the klantbeeld.
    latency: dict[str, float] = field(default_factory=dict)
    # Where the demo's caller key pair is generated on first start (facade/demokeys.py).
    keys: Path | None = None


@dataclass(frozen=True)
class PseudonymKeySettings:
    key_id: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class VerwerkingenloggingSettings:
    url: str
    client_id: str
    secret: str = field(repr=False)
    uitvoerder: str = ""
    bewaartermijn: str | None = None
    # The inzage API's base (GET /verwerkte-objecten); None: no inzage from this register.
    inzage_url: str | None = None


@dataclass(frozen=True)
class ProtocolleringSettings:
    sink: str = "file"  # file | stdout | otlp | verwerkingenlogging
    file: Path | None = None
    otlp_endpoint: str | None = None
    deadline_ms: int = 2000
    pseudonym: PseudonymKeySettings | None = None
    previous_pseudonyms: tuple[PseudonymKeySettings, ...] = ()
    verwerkingenlogging: VerwerkingenloggingSettings | None = None


@dataclass(frozen=True)
class InzageSettings:
    """`[inzage]`: GET /api/v1/mijn-verwerkingen, the resident's view of their records.

    It runs under a zelfbediening doel of its own policies (checked at start-up), and
    reads at most `max_records` records of the period from the logboek.
    """

    doel: str = "mijn-gegevens"
    doel_ondernemer: str | None = "mijn-onderneming"
    max_records: int = 1000
    deadline_ms: int = 2000
    # A Logboek Dataverwerkingen "lezen" API instead (UNVERIFIED: facade/inzage/ldv.py).
    logboek_lezen_url: str | None = None
    logboek_lezen_token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ZoekenSettings:
    """The key of the `zoekresultaat` handle (facade/handles.py); None: searching is off."""

    key: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Settings:
    mode: str
    server: ServerSettings
    demo: DemoSettings
    caller_auth: CallerAuthSettings
    doelen_dir: Path
    toegang_file: Path
    total_budget_ms: int
    registers: tuple[RegisterSettings, ...]
    source_file: Path
    protocollering: ProtocolleringSettings = field(default_factory=ProtocolleringSettings)
    observability: ObservabilitySettings = field(default_factory=ObservabilitySettings)
    zoeken: ZoekenSettings = field(default_factory=ZoekenSettings)
    inzage: InzageSettings = field(default_factory=InzageSettings)

    def with_demo_registers(self, base_url: str) -> Settings:
        """The same settings with `{demo_registers}` replaced by where they now run."""
        registers = tuple(
            _replace(r, url=r.url.replace(DEMO_REGISTERS_PLACEHOLDER, base_url.rstrip("/")))
            for r in self.registers
        )
        protocollering = self.protocollering
        vwl = protocollering.verwerkingenlogging
        if vwl is not None:

            def placed(url: str) -> str:
                return url.replace(DEMO_REGISTERS_PLACEHOLDER, base_url.rstrip("/"))

            vwl = _replace(
                vwl,
                url=placed(vwl.url),
                inzage_url=None if vwl.inzage_url is None else placed(vwl.inzage_url),
            )
            protocollering = _replace(protocollering, verwerkingenlogging=vwl)
        return _replace(self, registers=registers, protocollering=protocollering)

    def with_workers(self, workers: int) -> Settings:
        """The same settings for `workers` processes (`klantbeeld serve --workers`)."""
        return _replace(self, server=_replace(self.server, workers=workers))

    def registers_of(self, soort: str) -> tuple[RegisterSettings, ...]:
        return tuple(r for r in self.registers if r.soort == soort)


def _replace(obj: Any, **changes: Any) -> Any:
    return replace(obj, **changes)
