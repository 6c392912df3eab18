"""Contract-test kit: the façade on its simulated registers, for other projects' tests.

    from facade.testkit import PERSONEN, run_facade

    with run_facade() as facade:              # or `async with run_facade() as facade:`
        facade.registers.fail("zaken", "503")
        answer = facade.klantbeeld(PERSONEN["hoofdpersoon"], doel="kcc-algemene-vraag")
        facade.heal()

The façade and the demo registers run on free loopback ports (127.0.0.1) in a
background thread with its own event loop, so `base_url` is a real HTTP URL that
any client can use — httpx, urllib, a browser, a JavaScript test runner — from
synchronous and asynchronous test code alike. pytest users get the fixtures
`klantbeeld_facade` (per test, healed before and after) and
`klantbeeld_facade_session` from `facade.testkit_plugin`, registered
automatically when this package is installed. Without pytest:
`python -m facade.testkit` serves the kit until interrupted.

Configuration: the demo configuration of this repository (`config/demo.toml`,
with its doelen, access rules and demo key), found next to the `facade` package
(a git checkout or an editable install). `config/` is not part of a built
wheel, so with any other install pass `config=` (or set
`KLANTBEELD_TESTKIT_CONFIG`, or the pytest option `--klantbeeld-config`) to a
checkout's `config/demo.toml` or to a copy of it. The kit refuses to start
otherwise, rather than test against policies that differ from the façade's. Only
`mode = "demo"` configurations whose registers all point at `{demo_registers}`
are accepted: the kit never talks to a real register.

Nothing is logged with a URL: neither server writes an access log, and the
façade's own log lines carry the path only. The protocollering (the real file
sink, pseudonymised) goes to a temporary file that `audit_records()` reads.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
import uvicorn
from starlette.applications import Starlette

from facade.clock import Clock, fixed, parse_today, today_in_amsterdam
from facade.demo import (
    BSN_ALLEEN_BRP,
    BSN_ALLEEN_KLANTINTERACTIES,
    BSN_BUITENLAND,
    BSN_BUURMAN,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    BSN_ONBEKEND_IN_BRP,
    BSN_OVERLEDEN,
    BSN_PARTNER,
    BSN_VEEL_ZAKEN,
    DEMO_BRP_API_KEY,
    Fault,
    create_registers_app,
)
from facade.demo import urls as demo_urls
from facade.demo.personen import BSN_KIND_1
from facade.demo.server import serve_registers
from facade.demokeys import ensure_demo_keys
from facade.demokeys import signing_key as demo_signing_key
from facade.settings import DEMO_REGISTERS_PLACEHOLDER, Settings, load_settings

__all__ = [
    "BSN_ALLEEN_BRP",
    "BSN_ALLEEN_KLANTINTERACTIES",
    "BSN_BUITENLAND",
    "BSN_BUURMAN",
    "BSN_GEHEIM",
    "BSN_HOOFDPERSOON",
    "BSN_ONBEKEND_IN_BRP",
    "BSN_OVERLEDEN",
    "BSN_PARTNER",
    "BSN_VEEL_ZAKEN",
    "CONFIG_ENV",
    "FAULTS",
    "PERSONEN",
    "RegistersHandle",
    "RunningFacade",
    "TestkitError",
    "find_demo_config",
    "run_facade",
]

CONFIG_ENV = "KLANTBEELD_TESTKIT_CONFIG"
BSN_ONBEKEND = BSN_KIND_1  # a child: only inside its parents' BRP records

PERSONEN: Mapping[str, str] = MappingProxyType(
    {
        "hoofdpersoon": BSN_HOOFDPERSOON,  # everything: zaken, contacts, both zaaksystemen
        "veel-zaken": BSN_VEEL_ZAKEN,  # 130 zaken, several pages
        "onbekend-in-brp": BSN_ONBEKEND_IN_BRP,  # no BRP; klant, zaak, contactmoment
        "geheim": BSN_GEHEIM,  # geheimhoudingPersoonsgegevens
        "overleden": BSN_OVERLEDEN,
        "alleen-brp": BSN_ALLEEN_BRP,
        "buitenland": BSN_BUITENLAND,  # VerblijfplaatsBuitenland
        "onbekend": BSN_ONBEKEND,  # unknown everywhere: klant null
        "alleen-klantinteracties": BSN_ALLEEN_KLANTINTERACTIES,  # BRP + Klantinteracties
        "partner": BSN_PARTNER,
        "buurman": BSN_BUURMAN,
    }
)
"""The demo persons by role → BSN (fictional, 999 range, pass the elfproef)."""

FAULTS: Mapping[str, Fault] = MappingProxyType(
    {
        "503": Fault.http_status(503),  # an HTML 503, as a gateway or load balancer sends
        "500": Fault.server_error(500),  # the register's own error format
        "hang": Fault.hang(),  # no answer until heal(): the façade reports `timeout`
        "invalid-json": Fault.invalid_json(),  # 200 with a truncated JSON body
    }
)
"""The ways `RegistersHandle.fail` can break a register."""

# Demo register (fault/latency prefix) per base path, to accept the façade's
# register names (`bronnen[].bron`, e.g. "openzaak") as well as the demo's ("zaken").
_DEMO_REGISTER_BY_PATH = {
    demo_urls.BRP_BASE: "brp",
    demo_urls.ZAKEN_BASE: "zaken",
    demo_urls.CATALOGI_BASE: "catalogi",
    demo_urls.KLANTEN_BASE: "klanten",
    demo_urls.CONTACTMOMENTEN_BASE: "contactmomenten",
    demo_urls.KLANTINTERACTIES_BASE: "klantinteracties",
    demo_urls.ZAAKSYSTEEM2_ZAKEN_BASE: "zaaksysteem2",
    demo_urls.ZAAKSYSTEEM2_CATALOGI_BASE: "catalogi2",
}

_START_TIMEOUT_SECONDS = 30.0
_STOP_TIMEOUT_SECONDS = 15.0
_GRACEFUL_SHUTDOWN_SECONDS = 3
_HTTP_TIMEOUT_SECONDS = 15.0  # above budget + audit deadline of the demo


class TestkitError(RuntimeError):
    """The kit cannot start: no demo configuration, or one it must not use."""

    __test__ = False  # not a test class, despite the name


def find_demo_config(config: str | Path | None = None) -> Path:
    """The demo configuration: `config`, else $KLANTBEELD_TESTKIT_CONFIG, else the
    repository's `config/demo.toml` next to the `facade` package."""
    tried: list[str] = []
    candidates: list[tuple[str, str | Path | None]] = [
        ("config=", config),
        (f"${CONFIG_ENV}", os.environ.get(CONFIG_ENV) or None),
        ("repository", Path(__file__).resolve().parents[1] / "config" / "demo.toml"),
    ]
    for source, candidate in candidates:
        if candidate is None:
            continue
        path = Path(candidate).expanduser()
        if path.is_file():
            return path.resolve()
        tried.append(f"{source} {path}")
        if source != "repository":
            break  # an explicit choice that does not exist is an error, not a fallback
    raise TestkitError(
        "no demo configuration found (tried: "
        + "; ".join(tried)
        + "). config/ is not part of an installed wheel: install the façade editable "
        "(pip install -e path/to/klantbeeld-facade[test]) or pass config= / "
        f"${CONFIG_ENV} / --klantbeeld-config with the path of a checkout's config/demo.toml."
    )


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

    def heal(self) -> None:
        """Clear every fault and latency, and close the façade's circuit breakers."""
        self.registers.heal()
        self._runner.call(self._runner.close_breakers)

    def reset(self) -> None:
        """heal(), and audit_records() from here on only shows new records."""
        self.heal()
        with contextlib.suppress(FileNotFoundError):
            self._audit_offset = self.audit_file.stat().st_size


class _EmbeddedServer(uvicorn.Server):
    # The host program (pytest, a test runner) keeps its own signal handling.
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _Runner:
    """Both servers on one event loop in a daemon thread."""

    def __init__(
        self, settings: Settings, registers_app: Starlette, port: int, clock: Clock
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.registers_app = registers_app
        self.port = port
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, name="klantbeeld-testkit", daemon=True)
        self.started = threading.Event()
        self.error: BaseException | None = None
        self.registers_url = ""
        self.facade_url = ""
        self.facade_state: Any = None
        self._stop: asyncio.Event | None = None

    def start(self, timeout: float) -> None:
        self.thread.start()
        if not self.started.wait(timeout):
            self.stop(timeout=_STOP_TIMEOUT_SECONDS)
            raise TestkitError(f"the façade did not start within {timeout} s")
        if self.error is not None:
            self.thread.join(_STOP_TIMEOUT_SECONDS)
            raise TestkitError(f"the façade could not start: {self.error!r}") from self.error

    def stop(self, timeout: float = _STOP_TIMEOUT_SECONDS) -> None:
        if self.thread.is_alive() and self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(timeout)
        if self.thread.is_alive():
            raise TestkitError(f"the façade did not stop within {timeout} s")

    def call(self, function: Any) -> Any:
        """Run `function()` on the servers' event loop and wait for it."""

        async def run() -> Any:
            return function()

        future = asyncio.run_coroutine_threadsafe(run(), self.loop)
        return future.result(timeout=_STOP_TIMEOUT_SECONDS)

    def close_breakers(self) -> None:
        from connectors.breaker import CircuitBreaker

        for register in self.facade_state.registers.all:
            old = register.upstream.breaker
            register.upstream.breaker = CircuitBreaker(
                failures=old.threshold, cooldown=old.cooldown
            )

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported to the starting thread
            self.error = exc
        finally:
            self.started.set()
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    async def _serve(self) -> None:
        from facade.app import create_app

        self._stop = asyncio.Event()
        async with serve_registers(app=_QuietDisconnects(self.registers_app)) as registers_url:
            self.registers_url = registers_url
            settings = self.settings.with_demo_registers(registers_url)
            self.settings = settings
            app = create_app(settings, today=self.clock)
            self.facade_state = _facade_state(app)
            config = uvicorn.Config(
                app,
                host="127.0.0.1",
                port=self.port,
                access_log=False,  # URLs never reach a log
                log_config=None,  # the host program's logging stays as it is
                lifespan="on",
                timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN_SECONDS,
            )
            server = _EmbeddedServer(config)
            task = asyncio.create_task(server.serve())
            while not server.started:
                if task.done():
                    task.result()
                    raise TestkitError("the façade stopped while starting")
                await asyncio.sleep(0.01)
            port = server.servers[0].sockets[0].getsockname()[1]
            self.facade_url = f"http://127.0.0.1:{port}"
            self.started.set()
            try:
                await self._stop.wait()
            finally:
                # Hanging requests resume, so shutting down does not wait for them.
                self.registers_app.state.faults.clear()
                server.should_exit = True
                await task


class _QuietDisconnects:
    """A register answer cut off by the façade's deadline (`slow`) raises
    ClientDisconnect when the delayed handler reads its body at last: expected
    here, so it does not print a traceback into the consumer's test output."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        from starlette.requests import ClientDisconnect

        with contextlib.suppress(ClientDisconnect):
            await self.app(scope, receive, send)


def _facade_state(app: Any) -> Any:
    """The AppState inside the middleware around the façade's Starlette app."""
    while app is not None:
        state = getattr(getattr(app, "state", None), "facade", None)
        if state is not None:
            return state
        app = getattr(app, "app", None)
    raise TestkitError("the façade app exposes no state (facade.app changed?)")


def _prepare(
    config: str | Path | None,
    workdir: Path,
    audit_file: Path | None,
    overrides: Mapping[str, Any],
) -> tuple[Settings, bytes]:
    path = find_demo_config(config)
    settings = load_settings(path, env={})
    if settings.mode != "demo":
        raise TestkitError(f"{path}: the kit only runs demo configurations (mode = 'demo')")
    real = [r.naam for r in settings.registers if DEMO_REGISTERS_PLACEHOLDER not in r.url]
    if real:
        raise TestkitError(
            f"{path}: registers {', '.join(real)} do not use {DEMO_REGISTERS_PLACEHOLDER}; "
            "the kit only talks to the simulated registers"
        )
    signing_key = demo_signing_key(settings.demo.keys, settings.caller_auth.public_key_file)
    if signing_key is None:  # the configuration trusts no demo key pair: one for this run
        keys = ensure_demo_keys(workdir / "keys")
        signing_key, public_file = keys.private_key(), keys.public_file
        caller_auth = replace(
            settings.caller_auth,
            public_key_file=str(public_file),
            jwks_url=None,
            algorithms=("RS256",),
        )
        settings = replace(settings, caller_auth=caller_auth)
    protocollering = replace(
        settings.protocollering, sink="file", file=audit_file or workdir / "protocollering.jsonl"
    )
    settings = replace(settings, protocollering=protocollering)
    if overrides:
        try:
            settings = replace(settings, **overrides)
        except TypeError as exc:
            raise TypeError(f"run_facade: unknown Settings field in {sorted(overrides)}") from exc
    return settings, signing_key


def _aliases(settings: Settings) -> dict[str, str]:
    aliases = {}
    for register in settings.registers:
        path = urlsplit(register.url.replace(DEMO_REGISTERS_PLACEHOLDER, "http://x")).path
        demo = _DEMO_REGISTER_BY_PATH.get(path.rstrip("/"))
        if demo is not None:
            aliases[register.naam] = demo
    return aliases


@contextlib.contextmanager
def _running(
    config: str | Path | None,
    *,
    port: int,
    latency: Mapping[str, float] | None,
    audit_file: str | Path | None,
    start_timeout: float,
    today: date | None,
    overrides: Mapping[str, Any],
) -> Iterator[RunningFacade]:
    workdir = Path(tempfile.mkdtemp(prefix="klantbeeld-testkit-"))
    try:
        settings, signing_key = _prepare(
            config, workdir, Path(audit_file) if audit_file else None, overrides
        )
        baseline = {**settings.demo.latency, **(latency or {})}
        clock = fixed(today) if today is not None else today_in_amsterdam
        registers_app = create_registers_app(
            brp_api_key=DEMO_BRP_API_KEY, latency=baseline, today=clock
        )
        runner = _Runner(settings, registers_app, port, clock)
        runner.start(start_timeout)
        facade = RunningFacade(
            base_url=runner.facade_url,
            registers=RegistersHandle(
                runner.registers_url, registers_app, _aliases(settings), dict(baseline)
            ),
            settings=runner.settings,
            audit_file=settings.protocollering.file or workdir / "protocollering.jsonl",
            today=clock(),
            _signing_key=signing_key,
            _runner=runner,
        )
        try:
            yield facade
        finally:
            if facade._client is not None:
                facade._client.close()
            runner.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


class _FacadeContext:
    """`with` or `async with`: starts on enter, stops on exit."""

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._cm: contextlib.AbstractContextManager[RunningFacade] | None = None

    def __enter__(self) -> RunningFacade:
        self._cm = _running(**self._kwargs)
        return self._cm.__enter__()

    def __exit__(self, *exc: Any) -> bool | None:
        assert self._cm is not None
        return self._cm.__exit__(*exc)

    async def __aenter__(self) -> RunningFacade:
        return await asyncio.to_thread(self.__enter__)

    async def __aexit__(self, *exc: Any) -> bool | None:
        return await asyncio.to_thread(self.__exit__, *exc)


def run_facade(
    config: str | Path | None = None,
    *,
    port: int = 0,
    latency: Mapping[str, float] | None = None,
    audit_file: str | Path | None = None,
    start_timeout: float = _START_TIMEOUT_SECONDS,
    today: date | None = None,
    **overrides: Any,
) -> _FacadeContext:
    """Start the demo registers and the façade on loopback; a (async) context manager
    yielding a RunningFacade, stopped (and its temporary files removed) on exit.

    `config`: a demo configuration (default: see find_demo_config). `port`: the
    façade's port, 0 for a free one (the registers always get a free one).
    `latency`: endpoint → seconds from the start (heal() returns to it).
    `audit_file`: where the protocollering goes (default: a temporary file).
    `today`: the kit's calendar (default: today in Europe/Amsterdam). The demo
    persons are written relative to it, so a zaak closed "last month" is last month
    whatever the date; pin it to make answers with dates in them reproducible.
    `overrides`: Settings fields to replace, e.g. `total_budget_ms=1000`.
    """
    return _FacadeContext(
        config=config,
        port=port,
        latency=latency,
        audit_file=audit_file,
        start_timeout=start_timeout,
        today=today,
        overrides=overrides,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m facade.testkit [--port N] [--config FILE]`: serve the kit until ^C."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m facade.testkit", description=main.__doc__)
    parser.add_argument("--port", type=int, default=0, help="façade port (default: a free one)")
    parser.add_argument("--config", help="demo configuration (default: the repository's)")
    parser.add_argument("--today", help="the kit's today, JJJJ-MM-DD (default: Amsterdam's)")
    args = parser.parse_args(argv)
    today = parse_today(args.today, "--today") if args.today else None
    with run_facade(args.config, port=args.port, today=today) as facade:
        print(
            json.dumps(
                {
                    "base_url": facade.base_url,
                    "registers_url": facade.registers.base_url,
                    "today": facade.today.isoformat(),
                    "token": facade.token(ttl=8 * 3600),  # klantbeeld.kcc, valid 8 hours
                    "personen": dict(PERSONEN),
                },
                indent=2,
            ),
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
