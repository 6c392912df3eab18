"""Overload and faults at the level of the whole klantbeeld."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from facade.callers import CallerAuthenticator
from facade.middleware import ARRIVAL
from klantbeeld_demo.registers import BSN_HOOFDPERSOON, Fault
from tests.harness import demo_settings, make_facade


async def test_beyond_the_in_flight_limit_the_answer_is_an_immediate_503() -> None:
    settings = demo_settings()
    settings = replace(settings, server=replace(settings.server, max_in_flight=2))
    async for facade in make_facade(settings):
        facade.registers.state.latency["brp.personen"] = 0.5
        admitted = [asyncio.create_task(facade.klantbeeld(BSN_HOOFDPERSOON)) for _ in range(2)]
        await asyncio.sleep(0.2)
        started = time.monotonic()
        refused = await facade.klantbeeld(BSN_HOOFDPERSOON)
        assert time.monotonic() - started < 0.3
        assert refused.status_code == 503
        assert refused.headers["retry-after"] == "1"
        assert refused.json()["code"] == "overbelast"
        assert [r.status_code for r in await asyncio.gather(*admitted)] == [200, 200]
        # Capacity is given back: the next one is admitted again.
        assert (await facade.klantbeeld(BSN_HOOFDPERSOON)).status_code == 200


async def test_an_overload_refusal_is_recorded_too() -> None:
    settings = demo_settings()
    settings = replace(settings, server=replace(settings.server, max_in_flight=1))
    async for limited in make_facade(settings):
        limited.registers.state.latency["brp.personen"] = 0.3
        first = asyncio.create_task(limited.klantbeeld(BSN_HOOFDPERSOON))
        await asyncio.sleep(0.1)
        assert (await limited.klantbeeld(BSN_HOOFDPERSOON)).status_code == 503
        await first
        outcomes = [
            r["attributes"]["klantbeeld.uitkomst"]
            for r in limited.sink.records()
            if r["record"] == "audit"
        ]
        assert sorted(outcomes) == ["ok", "overbelast"]


async def test_a_register_that_keeps_failing_is_short_circuited_by_its_breaker() -> None:
    settings = demo_settings()
    settings = replace(
        settings,
        registers=tuple(
            replace(r, breaker_failures=2) if r.soort == "klanten" else r
            for r in settings.registers
        ),
    )
    async for facade in make_facade(settings):
        facade.registers.state.faults.set("klanten", Fault.server_error())
        for _ in range(2):
            await facade.klantbeeld(BSN_HOOFDPERSOON)
        facade.calls.clear()
        view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
        entry = next(b for b in view["bronnen"] if b["bron"] == "openklant-klanten")
        assert entry["status"] == "fout"
        assert entry["probleem"]["code"] == "circuit-open"
        assert not [c for c in facade.calls if c.path.startswith("/klanten")]
        assert view["zaken"]  # the other registers still answer


def arrived_ago(seconds: float) -> Callable[[ASGIApp], ASGIApp]:
    """A layer in front that says the request reached the façade `seconds` ago."""

    def outer(app: ASGIApp) -> ASGIApp:
        async def stamped(scope: Scope, receive: Receive, send: Send) -> None:
            scope[ARRIVAL] = asyncio.get_running_loop().time() - seconds
            await app(scope, receive, send)

        return stamped

    return outer


async def test_a_klantbeeld_that_waited_half_its_budget_is_refused_at_once() -> None:
    settings = replace(demo_settings(), total_budget_ms=1000)
    async for facade in make_facade(settings, outer=arrived_ago(0.6)):
        refused = await facade.klantbeeld(BSN_HOOFDPERSOON)

        assert refused.status_code == 503
        assert refused.json()["code"] == "overbelast"
        assert facade.calls == []
        (audit,) = [r for r in facade.sink.records() if r["record"] == "audit"]
        assert audit["attributes"]["klantbeeld.uitkomst"] == "overbelast"


async def test_the_budget_counts_from_arrival_not_from_the_handler() -> None:
    settings = replace(demo_settings(), total_budget_ms=1000)
    async for facade in make_facade(settings, outer=arrived_ago(0.4)):
        facade.registers.state.latency["zaken.list"] = 0.75
        started = time.monotonic()
        response = await facade.klantbeeld(BSN_HOOFDPERSOON)
        took = time.monotonic() - started

        assert response.status_code == 200
        zaken = next(b for b in response.json()["bronnen"] if b["soort"] == "zaken")
        assert zaken["status"] == "timeout"  # 0.4 s waited + 0.75 s is past the 1 s budget
        assert took < 0.75


async def test_a_slow_token_check_on_an_idle_facade_is_not_taken_for_overload(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The identity provider's JWKS answering slowly is the request's own work,
    # not a wait for the CPU: the klantbeeld is served, not refused as `overbelast`.
    real = CallerAuthenticator._verify

    async def slow_verify(self: CallerAuthenticator, token: str) -> object:
        await asyncio.sleep(0.6)
        return await real(self, token)

    monkeypatch.setattr(CallerAuthenticator, "_verify", slow_verify)
    settings = replace(demo_settings(), total_budget_ms=1000)
    async for facade in make_facade(settings):
        response = await facade.klantbeeld(BSN_HOOFDPERSOON)

        assert response.status_code == 200
