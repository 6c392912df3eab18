"""Settings: one TOML file (see config/), validated at start-up.

Every problem is reported as `file: key: reason`, all at once. Secrets come from
environment variables (`*_env` keys); inline secrets are accepted in demo mode
only, so a production configuration cannot carry them by accident.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from facade.demokeys import (
    ensure_demo_keys,
    in_demo_directory,
    is_demo_key_file,
    is_demo_secret,
)
from facade.observability import ObservabilitySettings
from facade.sources import KINDS
from vocabulary.kinds import KindRegistry

SOORTEN = KINDS.soorten  # the register kinds the façade knows (facade/sources.py)
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
    key: str | None = None
    client_id: str | None = None
    secret: str | None = None
    token: str | None = None


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
    max_response_bytes: int = 10 * 1024 * 1024
    max_connections: int = 100
    ca_bundle: str | None = None
    client_cert: str | None = None
    client_key: str | None = None
    origin_oin: str | None = None
    brp_headers: dict[str, str | None] = field(default_factory=dict)
    breaker_failures: int = 5
    breaker_cooldown_ms: int = 10000


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
    hs256_secret: str | None = None
    scope_claim: str = "scope"
    roles_claim: str = "roles"
    bsn_claim: str = "bsn"
    leeway_seconds: int = 30


@dataclass(frozen=True)
class ServerSettings:
    host: str = "127.0.0.1"
    port: int = 8080
    max_body_bytes: int = 8192
    max_in_flight: int = 64
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

    def with_demo_registers(self, base_url: str) -> Settings:
        """The same settings with `{demo_registers}` replaced by where they now run."""
        registers = tuple(
            _replace(r, url=r.url.replace(DEMO_REGISTERS_PLACEHOLDER, base_url.rstrip("/")))
            for r in self.registers
        )
        return _replace(self, registers=registers)

    def registers_of(self, soort: str) -> tuple[RegisterSettings, ...]:
        return tuple(r for r in self.registers if r.soort == soort)


def _replace(obj: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(obj, **changes)


def load_settings(
    path: str | Path, env: Mapping[str, str] | None = None, kinds: KindRegistry = KINDS
) -> Settings:
    path = Path(path)
    env = os.environ if env is None else env
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError([f"{path}: configuration file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError([f"{path}: not valid TOML: {exc}"]) from None
    reader = _Reader(path, env, kinds)
    settings = reader.settings(data)
    if reader.problems:
        raise SettingsError(reader.problems, reader.policy_files, reader.registers_read)
    assert settings is not None
    return settings


class _Reader:
    def __init__(self, path: Path, env: Mapping[str, str], kinds: KindRegistry) -> None:
        self.path = path
        self.base = path.parent
        self.env = env
        self.kinds = kinds
        self.problems: list[str] = []
        self.mode = "demo"
        self.policy_files: tuple[Path, Path] | None = None
        self.registers_read: tuple[RegisterSettings, ...] = ()

    def problem(self, key: str, reason: str) -> None:
        self.problems.append(f"{self.path}: {key}: {reason}")

    def table(self, data: Mapping[str, Any], key: str, known: set[str]) -> dict[str, Any]:
        value = data.get(key.rsplit(".", 1)[-1], {})
        if not isinstance(value, dict):
            self.problem(key, "must be a table")
            return {}
        for unknown in sorted(set(value) - known):
            self.problem(f"{key}.{unknown}", f"unknown key (known: {', '.join(sorted(known))})")
        return value

    def get(
        self, data: Mapping[str, Any], prefix: str, key: str, kind: type, default: Any = None
    ) -> Any:
        value = data.get(key, default)
        if value is None:
            return None
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.problem(f"{prefix}{key}", f"must be a whole number, not {value!r}")
            return default
        if kind is not int and not isinstance(value, kind):
            self.problem(f"{prefix}{key}", f"must be of type {kind.__name__}, not {value!r}")
            return default
        return value

    def within(
        self, data: Mapping[str, Any], prefix: str, key: str, default: int, low: int, high: int
    ) -> int:
        value = self.get(data, prefix, key, int, default)
        if value is not None and not low <= value <= high:
            self.problem(f"{prefix}{key}", f"must be between {low} and {high}, not {value}")
            return default
        return value

    def positive(self, data: Mapping[str, Any], prefix: str, key: str, default: int) -> int:
        value = self.get(data, prefix, key, int, default)
        if value is not None and value <= 0:
            self.problem(f"{prefix}{key}", f"must be positive, not {value}")
            return default
        return value

    def secret(self, data: Mapping[str, Any], prefix: str, key: str) -> str | None:
        """`key = "…"` (demo only) or `key_env = "VAR"` (the environment variable)."""
        inline = self.get(data, prefix, key, str)
        var = self.get(data, prefix, f"{key}_env", str)
        if var is not None:
            value, name = self.env.get(var), f"{key}_env"
            if not value:
                self.problem(f"{prefix}{name}", f"environment variable {var} is not set")
                return value
        else:
            value, name = inline, key
            if inline is not None and self.mode != "demo":
                self.problem(
                    f"{prefix}{key}", f"inline secrets are for demo mode only; use {name}_env"
                )
        # By content, not by name: the demo's secrets are public, whatever carries them.
        if value and self.mode == "productie" and is_demo_secret(value):
            self.problem(
                f"{prefix}{name}", "is a secret published with the demo; set one of your own"
            )
        return value

    def file(self, data: Mapping[str, Any], prefix: str, key: str) -> str | None:
        value = self.get(data, prefix, key, str)
        if value is None:
            return None
        resolved = (self.base / value).resolve()
        if not resolved.is_file():
            self.problem(f"{prefix}{key}", f"file {value} does not exist")
        return str(resolved)

    def settings(self, data: dict[str, Any]) -> Settings | None:
        known = {
            "mode",
            "server",
            "demo",
            "caller_auth",
            "policies",
            "budget",
            "registers",
            "protocollering",
            "observability",
        }
        for unknown in sorted(set(data) - known):
            self.problem(unknown, f"unknown key (known: {', '.join(sorted(known))})")
        mode = data.get("mode", "demo")
        if mode not in ("demo", "productie"):
            self.problem("mode", f"must be 'demo' or 'productie', not {mode!r}")
            mode = "demo"
        self.mode = mode

        server_raw = self.table(
            data, "server", {"host", "port", "max_body_bytes", "max_in_flight", "cors_origins"}
        )
        origins = server_raw.get("cors_origins", [])
        if not isinstance(origins, list) or not all(
            isinstance(o, str) and o.startswith(("http://", "https://")) for o in origins
        ):
            self.problem(
                "server.cors_origins", "must be a list of origins like https://kcc.example.nl"
            )
            origins = []
        server = ServerSettings(
            host=self.get(server_raw, "server.", "host", str, "127.0.0.1"),
            port=self.within(server_raw, "server.", "port", 8080, 1, 65535),
            max_body_bytes=self.positive(server_raw, "server.", "max_body_bytes", 8192),
            max_in_flight=self.positive(server_raw, "server.", "max_in_flight", 64),
            cors_origins=tuple(origins),
        )
        demo_raw = self.table(
            data, "demo", {"registers", "registers_host", "registers_port", "latency", "keys"}
        )
        latency = demo_raw.get("latency", {})
        if not isinstance(latency, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
            for v in latency.values()
        ):
            self.problem("demo.latency", "must be a table of endpoint = seconds (>= 0)")
            latency = {}
        demo = DemoSettings(
            registers=self.get(demo_raw, "demo.", "registers", bool, False),
            registers_host=self.get(demo_raw, "demo.", "registers_host", str, "127.0.0.1"),
            registers_port=self.within(demo_raw, "demo.", "registers_port", 8181, 0, 65535),
            latency={str(k): float(v) for k, v in latency.items()},
            keys=self.demo_keys(demo_raw),
        )
        if mode == "productie" and demo.registers:
            self.problem("demo.registers", "the embedded demo registers cannot run in productie")

        caller_auth = self.caller_auth(data)
        policies_raw = self.table(data, "policies", {"doelen", "toegang"})
        doelen_dir = self.base / self.get(policies_raw, "policies.", "doelen", str, "doelen")
        toegang_file = self.base / self.get(
            policies_raw, "policies.", "toegang", str, "toegang.toml"
        )
        self.policy_files = (doelen_dir, toegang_file)
        budget_raw = self.table(data, "budget", {"total_ms"})
        total_ms = self.positive(budget_raw, "budget.", "total_ms", 2500)

        registers = self.registers(data.get("registers"), demo)
        self.registers_read = registers
        protocollering = self.protocollering(data)
        observability = self.observability(data)
        if caller_auth is None:
            return None
        return Settings(
            mode=mode,
            server=server,
            demo=demo,
            caller_auth=caller_auth,
            doelen_dir=doelen_dir,
            toegang_file=toegang_file,
            total_budget_ms=total_ms,
            registers=registers,
            protocollering=protocollering,
            observability=observability,
            source_file=self.path,
        )

    def demo_keys(self, demo_raw: Mapping[str, Any]) -> Path | None:
        keys = self.get(demo_raw, "demo.", "keys", str)
        if keys is None:
            return None
        if self.mode != "demo":
            self.problem("demo.keys", "demo keys are for demo mode only")
            return None
        directory = (self.base / keys).resolve()
        try:
            ensure_demo_keys(directory)  # before caller_auth looks for the public half
        except OSError as exc:
            self.problem("demo.keys", f"cannot make the demo key pair in {keys}: {exc.strerror}")
        return directory

    def protocollering(self, data: dict[str, Any]) -> ProtocolleringSettings:
        p = "protocollering."
        raw = self.table(
            data,
            "protocollering",
            {"sink", "file", "otlp_endpoint", "deadline_ms", "pseudonym", "verwerkingenlogging"},
        )
        sink = self.get(raw, p, "sink", str, "file")
        sinks = ("file", "stdout", "otlp", "verwerkingenlogging")
        if sink not in sinks:
            self.problem(p + "sink", f"{sink!r} is not one of {', '.join(sinks)}")
        file_value = self.get(raw, p, "file", str, "../var/protocollering.jsonl")
        otlp = self.get(raw, p, "otlp_endpoint", str)
        if sink == "otlp" and not otlp:
            self.problem(p + "otlp_endpoint", "is required for sink = 'otlp'")
        pseudonym_raw = self.table(raw, p + "pseudonym", {"key_id", "key", "key_env", "previous"})
        current = self.pseudonym_key(pseudonym_raw, p + "pseudonym.")
        previous: list[PseudonymKeySettings] = []
        for index, entry in enumerate(pseudonym_raw.get("previous", [])):
            key = self.pseudonym_key(entry, f"{p}pseudonym.previous[{index}].")
            if key is not None:
                previous.append(key)
        vwl = None
        if sink == "verwerkingenlogging":
            vwl = self.verwerkingenlogging(raw, p + "verwerkingenlogging")
        return ProtocolleringSettings(
            sink=sink,
            file=(self.base / file_value).resolve(),
            otlp_endpoint=otlp,
            deadline_ms=self.positive(raw, p, "deadline_ms", 2000),
            pseudonym=current,
            previous_pseudonyms=tuple(previous),
            verwerkingenlogging=vwl,
        )

    def pseudonym_key(self, raw: Any, p: str) -> PseudonymKeySettings | None:
        if not isinstance(raw, dict):
            self.problem(p.rstrip("."), "must be a table")
            return None
        key_id = self.get(raw, p, "key_id", str)
        secret = self.secret(raw, p, "key")
        if not key_id or not secret:
            if not any(f": {p}key_env:" in problem for problem in self.problems):
                self.problem(p + "key_id", "a pseudonym key (key_id and key_env) is required")
            return None
        if len(secret.encode()) < 32:
            self.problem(p + "key", "a pseudonym key needs at least 32 bytes")
        if self.mode == "productie" and key_id.startswith("demo"):
            self.problem(p + "key_id", "the demo pseudonym key is refused in productie")
        return PseudonymKeySettings(key_id=key_id, secret=secret)

    def verwerkingenlogging(self, data: dict[str, Any], key: str) -> VerwerkingenloggingSettings:
        p = key + "."
        raw = self.table(
            data,
            key,
            {"url", "client_id", "secret", "secret_env", "uitvoerder", "bewaartermijn"},
        )
        url = self.get(raw, p, "url", str) or ""
        if not url.startswith(("http://", "https://")):
            self.problem(p + "url", "must be the http(s) base URL of the Verwerkingenlogging API")
        client_id = self.get(raw, p, "client_id", str) or ""
        if not client_id:
            self.problem(p + "client_id", "is required")
        uitvoerder = self.get(raw, p, "uitvoerder", str) or ""
        if not re.fullmatch(r"[0-9]{20}", uitvoerder):
            self.problem(p + "uitvoerder", "must be the municipality's OIN (20 digits)")
        return VerwerkingenloggingSettings(
            url=url,
            client_id=client_id,
            secret=self.secret(raw, p, "secret") or "",
            uitvoerder=uitvoerder,
            bewaartermijn=self.get(raw, p, "bewaartermijn", str),
        )

    def observability(self, data: dict[str, Any]) -> ObservabilitySettings:
        known = {f.name for f in fields(ObservabilitySettings)}
        raw = self.table(data, "observability", known)
        config = ObservabilitySettings(**{k: v for k, v in raw.items() if k in known})
        for problem in config.problems():
            key, _, reason = problem.partition(": ")
            self.problem(f"observability.{key}", reason)
        return config

    def caller_auth(self, data: dict[str, Any]) -> CallerAuthSettings | None:
        p = "caller_auth."
        raw = self.table(
            data,
            "caller_auth",
            {
                "issuers",
                "audience",
                "algorithms",
                "public_key_file",
                "jwks_url",
                "hs256_secret",
                "hs256_secret_env",
                "scope_claim",
                "roles_claim",
                "bsn_claim",
                "leeway_seconds",
            },
        )
        issuers = self.get(raw, p, "issuers", list)
        if not issuers or not all(isinstance(i, str) for i in issuers):
            self.problem(p + "issuers", "must be a non-empty list of issuer strings")
            issuers = []
        audience = self.get(raw, p, "audience", str)
        if not audience:
            self.problem(p + "audience", "is required")
        algorithms = self.get(raw, p, "algorithms", list, ["RS256"]) or ["RS256"]
        allowed = {"RS256", "RS384", "RS512", "ES256", "ES384", "PS256", "HS256"}
        for alg in algorithms:
            if alg not in allowed:
                self.problem(p + "algorithms", f"{alg!r} is not one of {sorted(allowed)}")
        key_file = self.file(raw, p, "public_key_file")
        jwks_url = self.get(raw, p, "jwks_url", str)
        hs256 = self.secret(raw, p, "hs256_secret")
        asymmetric = [a for a in algorithms if a != "HS256"]
        if asymmetric and not (key_file or jwks_url):
            self.problem(p + "public_key_file", "give public_key_file or jwks_url")
        if "HS256" in algorithms:
            if self.mode == "productie":
                self.problem(p + "algorithms", "HS256 caller tokens are refused in productie")
            if not hs256:
                self.problem(p + "hs256_secret_env", "HS256 is enabled but no secret is set")
        if self.mode == "productie" and key_file and _is_demo_key(key_file):
            self.problem(
                p + "public_key_file",
                "the demo key is refused in productie (recognised by its content or its place "
                "in var/demo/); "
                "give the identity provider's public key",
            )
        return CallerAuthSettings(
            issuers=tuple(issuers),
            audience=audience or "",
            algorithms=tuple(algorithms),
            public_key_file=key_file,
            jwks_url=jwks_url,
            hs256_secret=hs256,
            scope_claim=self.get(raw, p, "scope_claim", str, "scope"),
            roles_claim=self.get(raw, p, "roles_claim", str, "roles"),
            bsn_claim=self.get(raw, p, "bsn_claim", str, "bsn"),
            # More than five minutes of clock skew is a broken clock, not leeway.
            leeway_seconds=self.within(raw, p, "leeway_seconds", 30, 0, 300),
        )

    def registers(self, raw: Any, demo: DemoSettings) -> tuple[RegisterSettings, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem("registers", "must be a non-empty list of [[registers]] tables")
            return ()
        known = {
            "naam",
            "soort",
            "url",
            "auth",
            "deadline_ms",
            "max_pages",
            "page_size",
            "resolve",
            "max_response_bytes",
            "max_connections",
            "ca_bundle",
            "client_cert",
            "client_key",
            "origin_oin",
            "brp_headers",
            "breaker_failures",
            "breaker_cooldown_ms",
        }
        result: list[RegisterSettings] = []
        names: set[str] = set()
        soorten = self.kinds.soorten
        for index, entry in enumerate(raw):
            p = f"registers[{index}]."
            if not isinstance(entry, dict):
                self.problem(p.rstrip("."), "must be a table")
                continue
            naam = self.get(entry, p, "naam", str)
            if not naam:
                self.problem(p + "naam", "is required")
            elif naam in names:
                self.problem(p + "naam", f"'{naam}' is used by another register")
            else:
                # Operators know their registers by name, not by position in the file.
                p = f"registers.{naam}."
            names.add(naam or "")
            for unknown in sorted(set(entry) - known):
                self.problem(p + unknown, f"unknown key (known: {', '.join(sorted(known))})")
            soort = self.get(entry, p, "soort", str)
            if soort not in soorten:
                self.problem(p + "soort", f"{soort!r} is not one of {', '.join(soorten)}")
            url = self.get(entry, p, "url", str) or ""
            if DEMO_REGISTERS_PLACEHOLDER in url and not demo.registers:
                self.problem(p + "url", "uses {demo_registers} but demo.registers is off")
            elif DEMO_REGISTERS_PLACEHOLDER not in url and not url.startswith(
                ("http://", "https://")
            ):
                self.problem(p + "url", f"must be an http(s) URL, not {url!r}")
            if self.mode == "productie" and url.startswith("http://"):
                self.problem(p + "url", "productie requires https")
            resolve = self.get(entry, p, "resolve", str, "follow-up")
            if resolve not in ("follow-up", "expand"):
                self.problem(p + "resolve", f"must be 'follow-up' or 'expand', not {resolve!r}")
            page_size = self.get(entry, p, "page_size", int)
            if page_size is not None and not 1 <= page_size <= 500:
                self.problem(p + "page_size", "must be between 1 and 500 (Open Zaak's maximum)")
            result.append(
                RegisterSettings(
                    naam=naam or "",
                    soort=soort or "",
                    url=url,
                    auth=self.register_auth(entry, p + "auth."),
                    deadline_ms=self.positive(entry, p, "deadline_ms", 1500),
                    max_pages=self.positive(entry, p, "max_pages", 10),
                    page_size=page_size,
                    resolve=resolve,
                    max_response_bytes=self.positive(
                        entry, p, "max_response_bytes", 10 * 1024 * 1024
                    ),
                    max_connections=self.positive(entry, p, "max_connections", 100),
                    ca_bundle=self.file(entry, p, "ca_bundle"),
                    client_cert=self.file(entry, p, "client_cert"),
                    client_key=self.file(entry, p, "client_key"),
                    origin_oin=self.get(entry, p, "origin_oin", str),
                    brp_headers=self.brp_headers(entry, p + "brp_headers"),
                    breaker_failures=self.within(entry, p, "breaker_failures", 5, 1, 1000),
                    breaker_cooldown_ms=self.positive(entry, p, "breaker_cooldown_ms", 10000),
                )
            )
        return tuple(result)

    def brp_headers(self, entry: dict[str, Any], key: str) -> dict[str, str | None]:
        """Header names per protocollering value; `""` leaves that header out."""
        raw = self.table(entry, key, set(BRP_HEADER_DEFAULTS))
        names = dict(BRP_HEADER_DEFAULTS)
        for name, value in raw.items():
            if not isinstance(value, str):
                self.problem(f"{key}.{name}", 'must be a header name, or "" to leave it out')
                continue
            if value and not re.fullmatch(r"[A-Za-z0-9-]{1,64}", value):
                self.problem(f"{key}.{name}", f"{value!r} is not a valid header name")
                continue
            names[name] = value or None
        return names

    def register_auth(self, entry: dict[str, Any], p: str) -> RegisterAuth:
        raw = entry.get("auth", {"type": "none"})
        if not isinstance(raw, dict):
            self.problem(p.rstrip("."), "must be a table")
            return RegisterAuth()
        kind = raw.get("type", "none")
        known_by_type = {
            "none": {"type"},
            "api-key": {"type", "header", "key", "key_env"},
            "zgw-jwt": {"type", "client_id", "secret", "secret_env"},
            "token": {"type", "token", "token_env"},
        }
        if kind not in known_by_type:
            self.problem(p + "type", f"{kind!r} is not one of {', '.join(known_by_type)}")
            return RegisterAuth()
        for unknown in sorted(set(raw) - known_by_type[kind]):
            self.problem(p + unknown, f"unknown key for auth type {kind}")
        auth = RegisterAuth(
            type=kind,
            header=self.get(raw, p, "header", str, "X-API-KEY"),
            key=self.secret(raw, p, "key") if kind == "api-key" else None,
            client_id=self.get(raw, p, "client_id", str),
            secret=self.secret(raw, p, "secret") if kind == "zgw-jwt" else None,
            token=self.secret(raw, p, "token") if kind == "token" else None,
        )
        required = {"api-key": ("key",), "zgw-jwt": ("client_id", "secret"), "token": ("token",)}
        for name in required.get(kind, ()):
            already = any(f": {p}{name}_env:" in problem for problem in self.problems)
            if not getattr(auth, name) and not already:
                self.problem(p + name, f"is required for auth type {kind}")
        return auth


def _is_demo_key(path: str) -> bool:
    if in_demo_directory(Path(path)):
        return True
    try:
        return is_demo_key_file(Path(path).read_bytes())
    except OSError:
        return False  # a missing file is reported by `file`
