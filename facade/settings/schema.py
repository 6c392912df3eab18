"""The settings file, declared: one pydantic model per TOML table (start-up only).

A model states its keys with their types, ranges and defaults; an unknown key is
refused. Rules that depend on the mode, the environment or the file's place
(secrets, demo material, files that must exist) read a `Load` from the validation
context. A rule between keys of one table is its `rules()`, checked once each of
its keys is valid by itself; where a wrong neighbour should not hide it, it is a
validator of the later key, reading the earlier ones from `info.data`. `build()`
turns a valid table into the frozen dataclass of facade/settings/values.py, which
is all the rest of the façade sees: nothing of pydantic runs per request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from facade.demokeys import ensure_demo_keys, in_demo_directory, is_demo_key_file, is_demo_secret
from facade.observability import ObservabilitySettings
from facade.settings.values import (
    BRP_HEADER_DEFAULTS,
    DEMO_REGISTERS_PLACEHOLDER,
    CallerAuthSettings,
    DemoSettings,
    InzageSettings,
    ProtocolleringSettings,
    PseudonymKeySettings,
    RegisterAuth,
    RegisterSettings,
    ServerSettings,
    Settings,
    VerwerkingenloggingSettings,
    ZoekenSettings,
)
from vocabulary.kinds import KindRegistry

MODES = ("demo", "productie")
MAX_WORKERS = 64


@dataclass(frozen=True)
class Load:
    """What the rules need beside the file's own values."""

    path: Path
    env: Mapping[str, str]
    kinds: KindRegistry
    # Read from the file before the schema runs, since rules in other tables depend on
    # them (the schema itself reports a wrong `mode` or `demo.registers`).
    mode: str
    demo_registers: bool

    @property
    def base(self) -> Path:
        """Relative paths in the file are relative to the file."""
        return self.path.parent


def _load(info: ValidationInfo) -> Load:
    assert isinstance(info.context, dict), "validate with context={'load': Load(...)}"
    return info.context["load"]


def refusal(reason: str) -> PydanticCustomError:
    """A problem in our own words; facade/settings/messages.py prints it as the reason."""
    return PydanticCustomError("refused", reason)


# --- value types ----------------------------------------------------------------------


def between(low: int, high: int) -> AfterValidator:
    def check(value: int) -> int:
        if not low <= value <= high:
            raise refusal(f"must be between {low} and {high}, not {value}")
        return value

    return AfterValidator(check)


def _positive(value: int) -> int:
    if value <= 0:
        raise refusal(f"must be positive, not {value}")
    return value


def with_reason(reason: str) -> WrapValidator:
    """This reason for any value of the wrong shape, instead of pydantic's own words."""

    def validate(value: Any, handler: Any) -> Any:
        try:
            return handler(value)
        except ValidationError:
            raise refusal(reason) from None

    return WrapValidator(validate)


def _required(value: str) -> str:
    if not value:
        raise refusal("is required")
    return value


Positive = Annotated[int, AfterValidator(_positive)]
Required = Annotated[str, AfterValidator(_required)]
Origin = Annotated[str, Field(pattern=r"^https?://")]


def _inline_secret(value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
    """`key = "…"`: demo mode only, so a production file cannot carry a secret by accident."""
    if value is not None and _load(info).mode != "demo":
        raise refusal(f"inline secrets are for demo mode only; use {info.field_name}_env")
    return value


def _secret_variable(name: str | None, info: ValidationInfo) -> str | None:
    """`key_env = "VAR"`: the secret is that environment variable's value."""
    if name is None:
        return None
    load = _load(info)
    value = load.env.get(name)
    if not value:
        raise refusal(f"environment variable {name} is not set")
    # By content, not by name: the demo's secrets are public, whatever carries them.
    if load.mode == "productie" and is_demo_secret(value):
        raise refusal("is a secret published with the demo; set one of your own")
    return name


InlineSecret = Annotated[
    SecretStr | None,
    with_reason("must be a string (its value is not shown: it is a secret)"),
    AfterValidator(_inline_secret),
]
SecretVariable = Annotated[str | None, AfterValidator(_secret_variable)]


def _secret(inline: SecretStr | None, variable: str | None, env: Mapping[str, str]) -> str | None:
    """The secret of a valid (`key`, `key_env`) pair; the variable wins."""
    if variable is not None:
        return env[variable]
    return None if inline is None else inline.get_secret_value()


def _existing_file(value: str | None, info: ValidationInfo) -> str | None:
    if value is None:
        return None
    resolved = (_load(info).base / value).resolve()
    if not resolved.is_file():
        raise refusal(f"file {value} does not exist")
    return str(resolved)


ExistingFile = Annotated[str | None, AfterValidator(_existing_file)]


# --- tables ---------------------------------------------------------------------------


def _table() -> Any:
    """A table the file may leave out: its defaults, checked like a written one."""
    return Field(default_factory=dict, validate_default=True)


def _fields(table: BaseModel, *, without: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
    """A table's keys as its dataclass's fields (they share their names), with `changes`
    for the values the dataclass holds in another form, `without` the file-only keys."""
    return {**table.model_dump(exclude={*without, *changes}), **changes}


class Table(BaseModel):
    """One TOML table: its keys and nothing else, each of the type it is written as."""

    # strict: TOML already has types; "8080" is not a port.
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _check_rules(self, info: ValidationInfo) -> Self:
        problems = self.rules(_load(info))
        if problems:
            # One pydantic error carries them all; messages.py gives each its own line.
            raise PydanticCustomError("rules", "{problems}", {"problems": problems})
        return self

    def rules(self, load: Load) -> list[tuple[str, str]]:
        """Problems between this table's keys, as (key, reason)."""
        return []


class ServerTable(Table):
    host: str = "127.0.0.1"
    port: Annotated[int, between(1, 65535)] = 8080
    max_body_bytes: Positive = 8192
    max_in_flight: Positive = 64
    workers: Annotated[int, between(1, MAX_WORKERS)] = 1
    cors_origins: Annotated[
        list[Origin], with_reason("must be a list of origins like https://kcc.example.nl")
    ] = Field(default_factory=list)

    def build(self) -> ServerSettings:
        return ServerSettings(**_fields(self, cors_origins=tuple(self.cors_origins)))


def _not_in_productie(value: bool, info: ValidationInfo) -> bool:
    if value and _load(info).mode == "productie":
        raise refusal("the embedded demo registers cannot run in productie")
    return value


def _demo_keys(value: str | None, info: ValidationInfo) -> str | None:
    """Makes the demo key pair on first start: `demo` is validated before `caller_auth`,
    which then finds the public half (facade/demokeys.py)."""
    if value is None:
        return None
    load = _load(info)
    if load.mode != "demo":
        raise refusal("demo keys are for demo mode only")
    try:
        ensure_demo_keys((load.base / value).resolve())
    except OSError as exc:
        raise refusal(f"cannot make the demo key pair in {value}: {exc.strerror}") from None
    return value


class DemoTable(Table):
    registers: Annotated[bool, AfterValidator(_not_in_productie)] = False
    registers_host: str = "127.0.0.1"
    registers_port: Annotated[int, between(0, 65535)] = 8181
    latency: Annotated[
        dict[str, Annotated[float, Field(ge=0)]],
        with_reason("must be a table of endpoint = seconds (>= 0)"),
    ] = Field(default_factory=dict)
    keys: Annotated[str | None, AfterValidator(_demo_keys)] = None

    def build(self, load: Load) -> DemoSettings:
        keys = None if self.keys is None else (load.base / self.keys).resolve()
        return DemoSettings(**_fields(self, keys=keys))


Algorithm = Literal["RS256", "RS384", "RS512", "ES256", "ES384", "PS256", "HS256"]


def _no_hs256_in_productie(value: list[str], info: ValidationInfo) -> list[str]:
    if "HS256" in value and _load(info).mode == "productie":
        raise refusal("HS256 caller tokens are refused in productie")
    return value


def _not_the_demo_key(value: str | None, info: ValidationInfo) -> str | None:
    if value is not None and _load(info).mode == "productie" and _is_demo_key(Path(value)):
        raise refusal(
            "the demo key is refused in productie (recognised by its content or its place "
            "in var/demo/); give the identity provider's public key"
        )
    return value


def _is_demo_key(path: Path) -> bool:
    if in_demo_directory(path):
        return True
    try:
        return is_demo_key_file(path.read_bytes())
    except OSError:
        return False  # a missing file is reported by `_existing_file`


def _allowed(algorithms: list[str]) -> tuple[str, ...]:
    return tuple(algorithms) or ("RS256",)  # an empty list means the default, as no key does


def _valid(info: ValidationInfo, *keys: str) -> bool:
    """Whether these earlier keys are valid: pydantic leaves a wrong one out of `info.data`
    (and its own problem is already reported)."""
    return all(key in info.data for key in keys)


class CallerAuthTable(Table):
    issuers: Annotated[
        list[str],
        Field(min_length=1, validate_default=True),
        with_reason("must be a non-empty list of issuer strings"),
    ] = Field(default_factory=list)
    audience: Required
    algorithms: Annotated[list[Algorithm], AfterValidator(_no_hs256_in_productie)] = Field(
        default_factory=lambda: ["RS256"]
    )
    jwks_url: str | None = None
    hs256_secret: InlineSecret = None
    hs256_secret_env: SecretVariable = Field(default=None, validate_default=True)
    public_key_file: Annotated[ExistingFile, AfterValidator(_not_the_demo_key)] = Field(
        default=None, validate_default=True
    )
    scope_claim: str = "scope"
    roles_claim: str = "roles"
    bsn_claim: str = "bsn"
    # The claim carrying a business's kvkNummer (eHerkenning); None: no self-service for one.
    kvk_claim: str | None = None
    # More than five minutes of clock skew is a broken clock, not leeway.
    leeway_seconds: Annotated[int, between(0, 300)] = 30

    # Rules between keys as validators of the later key, not rules(): a wrong audience
    # or leeway does not hide them.
    @field_validator("hs256_secret_env")
    @classmethod
    def _hs256_needs_a_secret(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not _valid(info, "algorithms", "hs256_secret"):
            return value
        if "HS256" in _allowed(info.data["algorithms"]) and not (
            value or info.data["hs256_secret"]
        ):
            raise refusal("HS256 is enabled but no secret is set")
        return value

    @field_validator("public_key_file")
    @classmethod
    def _a_key_source(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not _valid(info, "algorithms", "jwks_url"):
            return value
        asymmetric = [a for a in _allowed(info.data["algorithms"]) if a != "HS256"]
        if asymmetric and not (value or info.data["jwks_url"]):
            raise refusal("give public_key_file or jwks_url")
        return value

    def build(self, load: Load) -> CallerAuthSettings:
        secret = _secret(self.hs256_secret, self.hs256_secret_env, load.env)
        return CallerAuthSettings(
            **_fields(
                self,
                without=("hs256_secret_env",),
                issuers=tuple(self.issuers),
                algorithms=_allowed(self.algorithms),
                hs256_secret=secret,
            )
        )


class PoliciesTable(Table):
    doelen: str = "doelen"
    toegang: str = "toegang.toml"

    def files(self, load: Load) -> tuple[Path, Path]:
        return load.base / self.doelen, load.base / self.toegang


class BudgetTable(Table):
    total_ms: Positive = 2500


# --- registers ------------------------------------------------------------------------

AuthType = Literal["none", "api-key", "zgw-jwt", "token"]
# Which keys each auth type takes beside `type`, and which of them it cannot do without
# (a secret given inline or as `*_env`).
AUTH_KEYS: dict[str, frozenset[str]] = {
    "none": frozenset(),
    "api-key": frozenset({"header", "key", "key_env"}),
    "zgw-jwt": frozenset({"client_id", "secret", "secret_env"}),
    "token": frozenset({"token", "token_env"}),
}
AUTH_REQUIRED: dict[str, tuple[str, ...]] = {
    "api-key": ("key",),
    "zgw-jwt": ("client_id", "secret"),
    "token": ("token",),
}


class AuthTable(Table):
    type: AuthType = "none"
    header: str = "X-API-KEY"
    key: InlineSecret = None
    key_env: SecretVariable = None
    client_id: str | None = None
    secret: InlineSecret = None
    secret_env: SecretVariable = None
    token: InlineSecret = None
    token_env: SecretVariable = None

    def rules(self, load: Load) -> list[tuple[str, str]]:
        given = self.model_fields_set - {"type"}
        problems = [
            (key, f"unknown key for auth type {self.type}")
            for key in sorted(given - AUTH_KEYS[self.type])
        ]
        for name in AUTH_REQUIRED.get(self.type, ()):
            if not getattr(self, name) and not getattr(self, f"{name}_env", None):
                problems.append((name, f"is required for auth type {self.type}"))
        return problems

    def build(self, load: Load) -> RegisterAuth:
        def secret_of(kind: str, inline: SecretStr | None, variable: str | None) -> str | None:
            return _secret(inline, variable, load.env) if self.type == kind else None

        return RegisterAuth(
            type=self.type,
            header=self.header,
            key=secret_of("api-key", self.key, self.key_env),
            client_id=self.client_id,
            secret=secret_of("zgw-jwt", self.secret, self.secret_env),
            token=secret_of("token", self.token, self.token_env),
        )


def _header_name(value: str) -> str:
    if value and not re.fullmatch(r"[A-Za-z0-9-]{1,64}", value):
        raise refusal(f"{value!r} is not a valid header name")
    return value


HeaderName = Annotated[
    str,
    with_reason('must be a header name, or "" to leave it out'),
    AfterValidator(_header_name),
]


class BrpHeadersTable(Table):
    """Header names per protocollering value; `""` leaves that header out."""

    doelbinding: HeaderName = BRP_HEADER_DEFAULTS["doelbinding"] or ""
    verwerking: HeaderName = BRP_HEADER_DEFAULTS["verwerking"] or ""
    gebruiker: HeaderName = BRP_HEADER_DEFAULTS["gebruiker"] or ""
    origin_oin: HeaderName = BRP_HEADER_DEFAULTS["origin_oin"] or ""

    def build(self) -> dict[str, str | None]:
        return {name: value or None for name, value in self.model_dump().items()}


def _known_soort(value: str, info: ValidationInfo) -> str:
    soorten = _load(info).kinds.soorten
    if value not in soorten:
        raise refusal(f"{value!r} is not one of {', '.join(soorten)}")
    return value


def _register_url(url: str, info: ValidationInfo) -> str:
    load = _load(info)
    if DEMO_REGISTERS_PLACEHOLDER in url:
        if not load.demo_registers:
            raise refusal("uses {demo_registers} but demo.registers is off")
    elif not url.startswith(("http://", "https://")):
        raise refusal(f"must be an http(s) URL, not {url!r}")
    if load.mode == "productie" and url.startswith("http://"):
        raise refusal("productie requires https")
    return url


def _page_size(value: int | None) -> int | None:
    if value is not None and not 1 <= value <= 500:
        raise refusal("must be between 1 and 500 (Open Zaak's maximum)")
    return value


def _objecttype_url(value: str | None) -> str | None:
    if value is not None and not value.startswith(("http://", "https://")):
        raise refusal(f"must be the objecttype's URL (http or https), not {value!r}")
    return value


class RegisterTable(Table):
    naam: Required
    soort: Annotated[str, AfterValidator(_known_soort)]
    url: Annotated[str, AfterValidator(_register_url)]
    auth: AuthTable = _table()
    deadline_ms: Positive = 1500
    max_pages: Positive = 10
    page_size: Annotated[int | None, AfterValidator(_page_size)] = None
    resolve: Literal["follow-up", "expand"] = "follow-up"
    # Zaken: how the register finds a business's zaken. "kvkNummer": the rol filters on
    # the kvkNummer (Open Zaak 1.30); unset: on the RSIN (innNnpId) from the Handelsregister.
    ondernemer_filter: Literal["kvkNummer"] | None = None
    max_response_bytes: Positive = 10 * 1024 * 1024
    max_connections: Positive = 100
    ca_bundle: ExistingFile = None
    client_cert: ExistingFile = None
    client_key: ExistingFile = None
    origin_oin: str | None = None
    brp_headers: BrpHeadersTable = _table()
    breaker_failures: Annotated[int, between(1, 1000)] = 5
    breaker_cooldown_ms: Positive = 10000
    # Toestemming: the objecttype (an Objecttypes API URL) the consents are objects of.
    objecttype: Annotated[str | None, AfterValidator(_objecttype_url)] = None

    def rules(self, load: Load) -> list[tuple[str, str]]:
        # A key a kind declares (SourceKind.config_keys) is for registers of that kind:
        # `resolve` on a brp register would be silently ignored.
        problems = []
        if self.soort == "toestemming" and not self.objecttype:
            problems.append(("objecttype", "is required for a toestemming register"))
        for key in sorted(self.model_fields_set):
            owners = [kind.soort for kind in load.kinds if key in kind.config_keys]
            if owners and self.soort not in owners:
                reason = f"is not a key of a {self.soort} register (only of: {', '.join(owners)})"
                problems.append((key, reason))
        return problems

    def build(self, load: Load) -> RegisterSettings:
        return RegisterSettings(
            **_fields(self, auth=self.auth.build(load), brp_headers=self.brp_headers.build())
        )


def _non_empty_list(value: Any) -> Any:
    if not isinstance(value, list) or not value:
        raise refusal("must be a non-empty list of [[registers]] tables")
    return value


# --- protocollering -------------------------------------------------------------------


def _no_demo_key_id(value: str | None, info: ValidationInfo) -> str | None:
    if value and value.startswith("demo") and _load(info).mode == "productie":
        raise refusal("the demo pseudonym key is refused in productie")
    return value


class PseudonymKeyTable(Table):
    key_id: Annotated[str | None, AfterValidator(_no_demo_key_id)] = None
    key: InlineSecret = None
    key_env: SecretVariable = None

    def rules(self, load: Load) -> list[tuple[str, str]]:
        secret = _secret(self.key, self.key_env, load.env)
        if not self.key_id or not secret:
            return [("key_id", "a pseudonym key (key_id and key_env) is required")]
        if len(secret.encode()) < 32:
            return [("key", "a pseudonym key needs at least 32 bytes")]
        return []

    def build(self, load: Load) -> PseudonymKeySettings:
        secret = _secret(self.key, self.key_env, load.env)
        assert self.key_id and secret, "checked by rules()"
        return PseudonymKeySettings(key_id=self.key_id, secret=secret)


class PseudonymTable(PseudonymKeyTable):
    # Earlier keys, so `klantbeeld pseudoniem` still finds records made with them.
    previous: list[PseudonymKeyTable] = Field(default_factory=list)


def _oin(value: str) -> str:
    if not re.fullmatch(r"[0-9]{20}", value):
        raise refusal("must be the municipality's OIN (20 digits)")
    return value


def _http_base(value: str, info: ValidationInfo) -> str:
    load = _load(info)
    if DEMO_REGISTERS_PLACEHOLDER in value:
        # The demo's simulated Verwerkingenlogging (klantbeeld_demo/registers).
        if not load.demo_registers:
            raise refusal("uses {demo_registers} but demo.registers is off")
    elif not value.startswith(("http://", "https://")):
        raise refusal("must be the http(s) base URL of the Verwerkingenlogging API")
    if load.mode == "productie" and value.startswith("http://"):
        raise refusal("productie requires https")
    return value


def _inzage_base(value: str | None, info: ValidationInfo) -> str | None:
    return None if value is None else _http_base(value, info)


class VerwerkingenloggingTable(Table):
    url: Annotated[str, AfterValidator(_http_base)]
    client_id: Required
    secret: InlineSecret = None
    secret_env: SecretVariable = None
    uitvoerder: Annotated[str, AfterValidator(_oin)]
    bewaartermijn: str | None = None
    # The inzage (read) API, GET {inzage_url}/verwerkte-objecten; often another host.
    inzage_url: Annotated[str | None, AfterValidator(_inzage_base)] = None

    def build(self, load: Load) -> VerwerkingenloggingSettings:
        return VerwerkingenloggingSettings(
            url=self.url,
            client_id=self.client_id,
            secret=_secret(self.secret, self.secret_env, load.env) or "",
            uitvoerder=self.uitvoerder,
            bewaartermijn=self.bewaartermijn,
            inzage_url=self.inzage_url,
        )


Sink = Literal["file", "stdout", "otlp", "verwerkingenlogging"]


class ProtocolleringTable(Table):
    sink: Sink = "file"
    file: str = "../var/protocollering.jsonl"
    otlp_endpoint: str | None = Field(default=None, validate_default=True)
    deadline_ms: Positive = 2000
    pseudonym: PseudonymTable = _table()
    verwerkingenlogging: VerwerkingenloggingTable | None = Field(
        default=None, validate_default=True
    )

    # Field validators, not rules(): they see `sink` even when the pseudonym is wrong.
    @field_validator("otlp_endpoint")
    @classmethod
    def _otlp_needs_an_endpoint(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("sink") == "otlp" and not value:
            raise refusal("is required for sink = 'otlp'")
        return value

    @field_validator("verwerkingenlogging", mode="before")
    @classmethod
    def _read_only_for_its_sink(cls, value: Any, info: ValidationInfo) -> Any:
        if info.data.get("sink") != "verwerkingenlogging":
            return None  # a table kept for a later change of sink is checked once it is used
        if value is None:
            raise refusal("is required for sink = 'verwerkingenlogging'")
        return value

    def build(self, load: Load) -> ProtocolleringSettings:
        vwl = self.verwerkingenlogging
        return ProtocolleringSettings(
            sink=self.sink,
            file=(load.base / self.file).resolve(),
            otlp_endpoint=self.otlp_endpoint,
            deadline_ms=self.deadline_ms,
            pseudonym=self.pseudonym.build(load),
            previous_pseudonyms=tuple(p.build(load) for p in self.pseudonym.previous),
            verwerkingenlogging=None if vwl is None else vwl.build(load),
        )


_OBSERVABILITY = ObservabilitySettings()


class ObservabilityTable(Table):
    """Shapes only: ObservabilitySettings.problems() holds the rules, for its own tests too."""

    log_level: str = _OBSERVABILITY.log_level
    log_format: str = _OBSERVABILITY.log_format
    tracing_exporter: str = _OBSERVABILITY.tracing_exporter
    tracing_endpoint: str | None = _OBSERVABILITY.tracing_endpoint
    tracing_sample_ratio: float = _OBSERVABILITY.tracing_sample_ratio
    service_name: str = _OBSERVABILITY.service_name
    metrics_exporter: str = _OBSERVABILITY.metrics_exporter
    metrics_endpoint: str | None = _OBSERVABILITY.metrics_endpoint

    def rules(self, load: Load) -> list[tuple[str, str]]:
        found = (problem.partition(": ") for problem in self.build().problems())
        return [(key, reason) for key, _, reason in found]

    def build(self) -> ObservabilitySettings:
        return ObservabilitySettings(**self.model_dump())


# --- zoeken ---------------------------------------------------------------------------


class ZoekenTable(Table):
    """`[zoeken]`: the key that encrypts the `zoekresultaat` handle (AES-256-GCM)."""

    key: InlineSecret = None
    key_env: SecretVariable = None

    def rules(self, load: Load) -> list[tuple[str, str]]:
        secret = _secret(self.key, self.key_env, load.env)
        if secret is not None and len(secret.encode()) < 32:
            return [("key", "a zoekresultaat key needs at least 32 bytes")]
        return []

    def build(self, load: Load) -> ZoekenSettings:
        return ZoekenSettings(key=_secret(self.key, self.key_env, load.env))


# --- inzage ---------------------------------------------------------------------------


_INZAGE = InzageSettings()


def _ldv_base(value: str | None, info: ValidationInfo) -> str | None:
    if value is None:
        return None
    if not value.startswith(("http://", "https://")):
        raise refusal("must be the http(s) base URL of the LDV lezen API")
    if _load(info).mode == "productie" and value.startswith("http://"):
        raise refusal("productie requires https")
    return value


class InzageTable(Table):
    """`[inzage]`: which zelfbediening doelen GET /api/v1/mijn-verwerkingen runs under.

    That they exist and are zelfbediening doelen is checked with the policies
    (facade/inzage/startup.py), which this file does not know."""

    doel: Required = _INZAGE.doel
    doel_ondernemer: str | None = _INZAGE.doel_ondernemer
    max_records: Annotated[int, between(1, 10000)] = _INZAGE.max_records
    deadline_ms: Positive = _INZAGE.deadline_ms
    # UNVERIFIED: an LDV "lezen" API (POST /processing-activities) instead of the
    # Verwerkingenlogging; its token, if it wants one, as a Bearer token.
    logboek_lezen_url: Annotated[str | None, AfterValidator(_ldv_base)] = None
    logboek_lezen_token: InlineSecret = None
    logboek_lezen_token_env: SecretVariable = None

    def build(self, load: Load) -> InzageSettings:
        return InzageSettings(
            doel=self.doel,
            doel_ondernemer=self.doel_ondernemer,
            max_records=self.max_records,
            deadline_ms=self.deadline_ms,
            logboek_lezen_url=self.logboek_lezen_url,
            logboek_lezen_token=_secret(
                self.logboek_lezen_token, self.logboek_lezen_token_env, load.env
            ),
        )


# --- several workers ------------------------------------------------------------------


def worker_problems(mode: str, workers: int, metrics_exporter: str) -> list[tuple[str, str]]:
    """What `workers` processes cannot do with these settings, as (key, reason); also
    checked by `klantbeeld serve` for `--workers`, which overrides server.workers."""
    if workers > 1 and metrics_exporter == "prometheus" and mode == "productie":
        # Every scrape reaches one worker at random: its own counters, which would
        # jump back and forth between the workers' values. (The demo only warns.)
        return [
            (
                "observability.metrics_exporter",
                f"'prometheus' answers each scrape from one of the {workers} workers, whose "
                "counters then jump between workers; with server.workers (or --workers) > 1 "
                "use 'otlp' (each worker pushes its own series) or 'none'",
            )
        ]
    return []


# --- the file -------------------------------------------------------------------------


class SettingsFile(Table):
    mode: Literal["demo", "productie"] = "demo"
    server: ServerTable = _table()
    demo: DemoTable = _table()  # before caller_auth: see _demo_keys
    caller_auth: CallerAuthTable = _table()
    policies: PoliciesTable = _table()
    budget: BudgetTable = _table()
    registers: Annotated[list[RegisterTable], BeforeValidator(_non_empty_list)] = Field(
        default_factory=list, validate_default=True
    )
    protocollering: ProtocolleringTable = _table()
    observability: ObservabilityTable = _table()
    zoeken: ZoekenTable = _table()
    inzage: InzageTable = _table()

    # A validator of the later key, not rules(): a wrong register does not hide it.
    @field_validator("observability")
    @classmethod
    def _one_worker_per_scrape(
        cls, value: ObservabilityTable, info: ValidationInfo
    ) -> ObservabilityTable:
        if not _valid(info, "server"):
            return value
        found = worker_problems(
            _load(info).mode, info.data["server"].workers, value.metrics_exporter
        )
        if found:
            # Keys inside this table: messages.py names them observability.<key>.
            problems = [(key.removeprefix("observability."), reason) for key, reason in found]
            raise PydanticCustomError("rules", "{problems}", {"problems": problems})
        return value

    def build(self, load: Load) -> Settings:
        doelen_dir, toegang_file = self.policies.files(load)
        return Settings(
            mode=self.mode,
            server=self.server.build(),
            demo=self.demo.build(load),
            caller_auth=self.caller_auth.build(load),
            doelen_dir=doelen_dir,
            toegang_file=toegang_file,
            total_budget_ms=self.budget.total_ms,
            registers=tuple(r.build(load) for r in self.registers),
            source_file=load.path,
            protocollering=self.protocollering.build(load),
            observability=self.observability.build(),
            zoeken=self.zoeken.build(load),
            inzage=self.inzage.build(load),
        )
