"""`klantbeeld`: run the façade, check its configuration, make a demo token.

    klantbeeld [--config FILE] serve [--host H] [--port P] [--workers N] [--today JJJJ-MM-DD]
    klantbeeld [--config FILE] check-config
    klantbeeld demo-token [--scope S] [--rol R] [--bsn BSN] [--kvk KVK] [--sub SUB]
    klantbeeld doelen-review [--html] [--output FILE]
    klantbeeld pseudoniem < bsns.txt

The configuration file defaults to $KLANTBEELD_CONFIG, else config/demo.toml;
`--config` may also follow the command (`klantbeeld check-config --config FILE`).
`--today` (or $KLANTBEELD_TODAY) pins the demo's calendar; a productie
configuration refuses it. `--workers N` (or `[server] workers`) runs N worker
processes on one port, one per core (facade/asgi.py).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import jwt
import uvicorn

from facade.asgi import (
    APP,
    STARTUP_FAILURE,
    TODAY_ENV,
    demo_clock,
    demo_screens,
    setup_logs,
    worker_environment,
)
from facade.clock import Clock, today_in_amsterdam
from facade.coverage import register_coverage
from facade.demokeys import demo_claims, signing_key
from facade.inzage.startup import inzage_problems, inzage_warnings
from facade.settings import Settings, SettingsError, load_settings
from facade.settings.schema import MAX_WORKERS, worker_problems
from facade.sources import KINDS
from policies.describe import review_document
from policies.loader import PolicyError, load_policies
from policies.review_html import review_html

DEFAULT_CONFIG = "config/demo.toml"
log = logging.getLogger("facade.cli")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="klantbeeld", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--config",
        default=os.environ.get("KLANTBEELD_CONFIG", DEFAULT_CONFIG),
        help="settings file (TOML); default $KLANTBEELD_CONFIG or config/demo.toml",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    # `--config` after the command too, as operators type it; SUPPRESS keeps the
    # top-level value when it is not repeated there.
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--config", default=argparse.SUPPRESS, help="settings file (TOML)")
    serve_cmd = commands.add_parser(
        "serve", parents=[after], help="run the façade (and, in demo mode, its demo registers)"
    )
    serve_cmd.add_argument("--host", help="listen address (overrides server.host)")
    serve_cmd.add_argument("--port", type=int, help="listen port (overrides server.port)")
    serve_cmd.add_argument(
        "--workers",
        type=int,
        help=f"worker processes, 1..{MAX_WORKERS}, one per core (overrides server.workers)",
    )
    serve_cmd.add_argument(
        "--today",
        default=os.environ.get(TODAY_ENV),
        help=f"demo only: the demo's today, JJJJ-MM-DD (default ${TODAY_ENV}, else today "
        "in Europe/Amsterdam); the demo data moves with it",
    )
    commands.add_parser(
        "check-config", parents=[after], help="validate settings and doelen; non-zero on problems"
    )
    review = commands.add_parser(
        "doelen-review",
        parents=[after],
        help="render the doelen as a Markdown document for the privacy officer",
    )
    review.add_argument("--output", help="write to this file instead of standard output")
    review.add_argument(
        "--html",
        action="store_true",
        help="one self-contained HTML page instead: the doelen side by side (no person data)",
    )
    commands.add_parser(
        "pseudoniem",
        parents=[after],
        help="read BSNs from standard input (one per line, never on the command line, where "
        "shell history and ps would keep them); print each one's logboek pseudonym per key",
    )
    token = commands.add_parser(
        "demo-token", parents=[after], help="print a caller token signed with the demo key"
    )
    token.add_argument("--scope", action="append", default=[], help="scope to grant (repeatable)")
    token.add_argument("--rol", action="append", default=[], help="role to grant (repeatable)")
    token.add_argument("--bsn", help="self-service: the resident's BSN as a token claim")
    token.add_argument(
        "--kvk", help="self-service of a business: its kvkNummer as a token claim (eHerkenning)"
    )
    token.add_argument("--sub", default="kcc-medewerker-1", help="token subject")
    token.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    args = parser.parse_args(argv)

    if args.command == "check-config":
        return check_config(args.config)
    try:
        settings = load_settings(args.config)
        policies = load_policies(settings.doelen_dir, settings.toegang_file, KINDS)
    except (SettingsError, PolicyError) as exc:
        return _refused(exc.problems)
    if args.command == "demo-token":
        return print_demo_token(settings, args)
    if args.command == "pseudoniem":
        from facade.protocollering.setup import build_pseudonymizer

        pseudonymizer = build_pseudonymizer(settings)
        for line in sys.stdin:
            if bsn := line.strip():
                for key_id, value in pseudonymizer.all_pseudonyms(bsn).items():
                    print(f"{key_id}\t{value}")
        return 0
    if args.command == "doelen-review":
        document = review_html(policies) if args.html else review_document(policies)
        if args.output:
            Path(args.output).write_text(document, encoding="utf-8")
        else:
            print(document, end="")
        return 0
    try:
        clock = demo_clock(settings, args.today)
    except ValueError as exc:
        return _refused([str(exc)])
    if args.workers is not None and not 1 <= args.workers <= MAX_WORKERS:
        return _refused([f"--workers: must be between 1 and {MAX_WORKERS}, not {args.workers}"])
    return serve(settings, host=args.host, port=args.port, today=clock, workers=args.workers)


def _refused(problems: Sequence[str]) -> int:
    print("Configuration refused:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    return 2


def check_config(config: str) -> int:
    """Every problem of the settings, the doelen and their registers, in one run."""
    problems: list[str] = []
    settings: Settings | None = None
    policies = None
    try:
        settings = load_settings(config)
        policy_files: tuple[Path, Path] | None = (settings.doelen_dir, settings.toegang_file)
        registers = settings.registers
    except SettingsError as exc:
        problems.extend(exc.problems)
        policy_files, registers = exc.policy_files, exc.registers
    if policy_files is not None:
        try:
            policies = load_policies(*policy_files, KINDS)
        except PolicyError as exc:
            problems.extend(exc.problems)
    warnings: list[str] = []
    if registers and policies is not None:
        coverage = register_coverage(registers, policies)
        problems.extend(coverage.errors)
        warnings = list(coverage.warnings)
    if settings is not None and policies is not None:
        problems.extend(inzage_problems(settings, policies))
        warnings.extend(inzage_warnings(settings, policies))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if problems:
        return _refused(problems)
    assert settings is not None and policies is not None
    print(f"configuration {settings.source_file}: ok (mode {settings.mode})")
    print(f"doelen: {', '.join(sorted(policies.doelen))} (beleidsversie {policies.versie})")
    for register in settings.registers:
        print(f"register {register.naam}: {register.soort} at {register.url}")
    if warnings:
        print(f"{len(warnings)} warning(s) on standard error")
    return 0


def print_demo_token(settings: Settings, args: argparse.Namespace) -> int:
    if settings.mode != "demo":
        print("demo-token only works with a demo configuration", file=sys.stderr)
        return 2
    key = signing_key(settings.demo.keys, settings.caller_auth.public_key_file)
    if key is None:
        print(
            "demo-token signs with the demo key pair ([demo] keys), but caller_auth "
            "trusts another public key",
            file=sys.stderr,
        )
        return 2
    claims = demo_claims(settings.caller_auth, args.sub, args.ttl, "demo-frontend")
    scopes = args.scope or ([] if args.rol or args.bsn or args.kvk else ["klantbeeld.kcc"])
    if args.kvk:
        if not settings.caller_auth.kvk_claim:
            print("demo-token --kvk needs caller_auth.kvk_claim", file=sys.stderr)
            return 2
        scopes = scopes or ["klantbeeld.zelfbediening-ondernemer"]
        claims[settings.caller_auth.kvk_claim] = args.kvk
    if args.bsn:
        scopes = scopes or ["klantbeeld.zelfbediening"]
        claims[settings.caller_auth.bsn_claim] = args.bsn
    if scopes:
        claims[settings.caller_auth.scope_claim] = " ".join(scopes)
    if args.rol:
        claims[settings.caller_auth.roles_claim] = list(args.rol)
    print(jwt.encode(claims, key, algorithm="RS256"))
    return 0


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    today: Clock = today_in_amsterdam,
    workers: int | None = None,
) -> int:
    """Run the façade until SIGTERM; `workers` (default server.workers) processes."""
    if workers is not None and workers != settings.server.workers:
        settings = settings.with_workers(workers)
    if settings.server.workers > 1:
        return _serve_workers(settings, host, port, today)

    from facade.app import create_app
    from facade.observability import tracing_provider

    setup_logs(settings)
    provider = tracing_provider(settings.observability)

    base_url = None
    if settings.demo.registers:
        demo = settings.demo
        base_url = start_demo_registers(
            demo.registers_host, demo.registers_port, demo.latency, today
        )
        settings = settings.with_demo_registers(base_url)
        print(f"demo registers on {base_url}", file=sys.stderr)
    try:
        screens = demo_screens(settings, base_url)
        app = create_app(settings, tracer_provider=provider, today=today, screens=screens)
    except (SettingsError, PolicyError) as exc:
        if provider is not None:
            provider.shutdown()
        return _refused(exc.problems)
    options = _uvicorn_options(settings, host, port)
    if screens:
        _print_screens(options["host"], options["port"])
    try:
        uvicorn.run(app, **options)
    finally:
        if provider is not None:
            provider.shutdown()
    return 0


def _serve_workers(settings: Settings, host: str | None, port: int | None, today: Clock) -> int:
    """N workers on one socket, by uvicorn's supervisor; each builds the app itself
    (facade/asgi.py). This process checks the configuration once, runs the demo
    registers if asked (once, for every worker) and supervises: it serves no request."""
    from facade.app import check_startup

    workers = settings.server.workers
    problems = [
        f"{settings.source_file}: {key}: {reason}"
        for key, reason in worker_problems(
            settings.mode, workers, settings.observability.metrics_exporter
        )
    ]
    lock = _shared_sink_problem(settings)
    if lock:
        problems.append(
            f"{settings.source_file}: protocollering.sink: with {workers} workers every "
            f"record is written under a lock, so that no two workers' records mix, but {lock}; "
            "run one worker, or use sink 'otlp' or 'verwerkingenlogging'"
        )
    try:
        check_startup(settings)
    except (SettingsError, PolicyError) as exc:
        problems.extend(exc.problems)
    if problems:
        return _refused(problems)
    setup_logs(settings)  # this process's own lines: uvicorn's supervisor, the demo registers
    if settings.observability.metrics_exporter == "prometheus":
        log.warning(
            "observability.metrics_exporter: 'prometheus' answers each scrape of /metrics "
            "from one of the %d workers (refused in productie; use 'otlp')",
            workers,
        )

    base_url = None
    if settings.demo.registers:
        demo = settings.demo
        base_url = start_demo_registers(
            demo.registers_host, demo.registers_port, demo.latency, today
        )
        print(f"demo registers on {base_url}", file=sys.stderr)
    os.environ.pop(TODAY_ENV, None)  # set again below if the demo's today is pinned
    os.environ.update(worker_environment(settings, today, base_url))
    options = _uvicorn_options(settings, host, port)
    if settings.mode == "demo":  # each worker mounts the screens (facade/asgi.py)
        _print_screens(options["host"], options["port"])
    with _signals_seen() as seen:
        uvicorn.run(APP, factory=True, workers=workers, **options)
    # uvicorn returns alike after SIGTERM and when a worker failed to start (its
    # supervisor then stops the service); only the second is a failure.
    if seen is not None and not seen & {signal.SIGTERM, signal.SIGINT}:
        print("a worker could not start (see above): the service stopped", file=sys.stderr)
        return STARTUP_FAILURE
    return 0


@contextmanager
def _signals_seen() -> Iterator[set[int] | None]:
    """The signals this process received meanwhile (None: not knowable off the main thread).

    uvicorn's supervisor installs its own handlers; Python writes every handled signal's
    number to the wake-up fd as well, which the supervisor leaves alone."""
    if threading.current_thread() is not threading.main_thread():
        yield None
        return
    read, write = os.pipe()
    os.set_blocking(read, False)
    os.set_blocking(write, False)
    previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    seen: set[int] = set()
    try:
        yield seen
    finally:
        signal.set_wakeup_fd(previous)
        with suppress(BlockingIOError):  # nothing written: no signal
            seen.update(os.read(read, 4096))
        os.close(read)
        os.close(write)


def _shared_sink_problem(settings: Settings) -> str | None:
    """Why the file or standard output several workers share cannot be locked, if so."""
    from facade.protocollering.lines import FileSink, StdoutSink

    config = settings.protocollering
    if config.sink == "file" and config.file is not None:
        return FileSink(config.file, shared=True).lock_problem()
    if config.sink == "stdout":
        return StdoutSink(shared=True).lock_problem()
    return None


# The demo's pages (klantbeeld_demo/screens/), as `klantbeeld serve` announces them.
DEMO_SCREENS = (
    ("Startpagina", "/"),
    ("KCC-scherm", "/demo/kcc"),
    ("Doelen vergelijken", "/demo/doelen"),
    ("API-documentatie", "/api/v1/docs"),
)


def _print_screens(host: str, port: int) -> None:
    """Where a newcomer points the browser. A wildcard address is no place to browse
    to: the URL then names this machine's loopback, where the service answers too."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    for label, path in DEMO_SCREENS:
        print(f"{label}: http://{shown}:{port}{path}", file=sys.stderr)


def _uvicorn_options(settings: Settings, host: str | None, port: int | None) -> dict[str, Any]:
    """The same for one process and for several workers."""
    return {
        "host": host or settings.server.host,
        "port": port or settings.server.port,
        # uvicorn's access log prints the query string, where a caller may have put
        # a BSN: it stays off; facade.observability.AccessLog logs the path only.
        "access_log": False,
        # log_config=None: uvicorn's own handlers would bypass the JSON log format.
        "log_config": None,
        "proxy_headers": True,
        # SIGTERM: stop accepting, let every admitted klantbeeld finish (its
        # registers' budget and its audit write), then exit. With several workers
        # the supervisor passes SIGTERM on, and each worker does the same.
        "timeout_graceful_shutdown": (
            settings.total_budget_ms + settings.protocollering.deadline_ms
        )
        / 1000
        + 2,
    }


def start_demo_registers(
    host: str,
    port: int,
    latency: dict[str, float] | None = None,
    today: Clock = today_in_amsterdam,
) -> str:
    """Serve the simulated registers from a background thread; returns their base URL.

    A thread of its own keeps the demo registers' signal handling and event loop
    out of the façade's way; they stop with the process.
    """
    from klantbeeld_demo.registers.app import DEMO_BRP_API_KEY, create_registers_app

    config = uvicorn.Config(
        create_registers_app(brp_api_key=DEMO_BRP_API_KEY, latency=latency, today=today),
        host=host,
        port=port,
        access_log=False,
        # Neither uvicorn's handlers nor its log_level: both are process-wide and
        # would silence (or un-format) the façade's own uvicorn lines.
        log_config=None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="demo-registers", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SystemExit(f"demo registers could not start on {host}:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return f"http://{host}:{bound}"


if __name__ == "__main__":
    sys.exit(main())
