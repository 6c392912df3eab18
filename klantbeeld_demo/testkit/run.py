"""`run_facade`: start the kit, hand it to the test, stop it."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from facade.clock import fixed, today_in_amsterdam
from klantbeeld_demo.registers import (
    DEMO_BRP_API_KEY,
    create_registers_app,
)
from klantbeeld_demo.testkit.config import _prepare, register_aliases
from klantbeeld_demo.testkit.handles import RegistersHandle, RunningFacade
from klantbeeld_demo.testkit.runner import _Runner

_START_TIMEOUT_SECONDS = 30.0


@contextlib.contextmanager
def _running(
    config: str | Path | None,
    *,
    port: int,
    latency: Mapping[str, float] | None,
    audit_file: str | Path | None,
    start_timeout: float,
    today: date | None,
    logboek: str,
    overrides: Mapping[str, Any],
) -> Iterator[RunningFacade]:
    workdir = Path(tempfile.mkdtemp(prefix="klantbeeld-testkit-"))
    try:
        settings, signing_key = _prepare(
            config, workdir, Path(audit_file) if audit_file else None, overrides, logboek
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
                runner.registers_url, registers_app, register_aliases(settings), dict(baseline)
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
    logboek: str = "file",
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
    `logboek`: where the records go: "file" (default; `audit_records()` reads them) or
    "verwerkingenlogging", the demo registers' simulated Verwerkingenlogging, which
    GET /api/v1/mijn-verwerkingen reads back (`verwerkingsacties()` shows its records).
    `overrides`: Settings fields to replace, e.g. `total_budget_ms=1000`.
    """
    return _FacadeContext(
        config=config,
        port=port,
        latency=latency,
        audit_file=audit_file,
        start_timeout=start_timeout,
        today=today,
        logboek=logboek,
        overrides=overrides,
    )
