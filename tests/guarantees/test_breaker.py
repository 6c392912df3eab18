"""Issue 12, points 3 and 4: the breaker opens for a register that hangs, and a probe that
ends in any exception never leaves it half open for good."""

from __future__ import annotations

import asyncio

import pytest

from klantbeeld_demo.registers import BSN_HOOFDPERSOON, Fault
from klantbeeld_demo.registers.urls import ZAKEN_BASE
from tests.guarantees.support import (
    Intercepted,
    bron,
    facade_on,
    path_starts,
    respond,
    with_registers,
)
from tests.harness import demo_settings

# Register name (bronnen) → the demo register to hang.
HANGING = {
    "brp": "brp",
    "openzaak": "zaken",
    "zaaksysteem2": "zaaksysteem2",
    "openklant-klanten": "klanten",
    "openklant-contactmomenten": "contactmomenten",
    "openklant2-klantinteracties": "klantinteracties",
}
DOEL = {"zaaksysteem2": "wmo-consulent"}


@pytest.mark.parametrize("naam", sorted(HANGING))
async def test_hanging_register_opens_the_breaker_after_n_timeouts(naam: str) -> None:
    from tests.harness import caller_token

    settings = with_registers(
        demo_settings(),
        **{naam: {"deadline_ms": 100, "breaker_failures": 2, "breaker_cooldown_ms": 60_000}},
    )
    registers = Intercepted()
    registers.state.faults.set(HANGING[naam], Fault.hang())
    doel = DOEL.get(naam, "kcc-algemene-vraag")
    token = caller_token(None, roles=["wmo-consulent"]) if doel == "wmo-consulent" else None
    async for facade in facade_on(settings, registers):
        # breaker_failures = 2 timed-out calls: a register asked twice per klantbeeld
        # (zaken and rollen) opens after one klantbeeld, any other after two.
        statuses = []
        for _ in range(3):
            view = (await facade.klantbeeld(BSN_HOOFDPERSOON, doel=doel, token=token)).json()
            statuses.append(bron(view, naam)["status"])
        registers.state.faults.clear()
        assert statuses[0] == "timeout", statuses
        entry = bron(view, naam)
        assert entry["status"] == "fout", f"still asked after 2 timeouts: {statuses} {entry}"
        assert entry["probleem"]["code"] == "circuit-open"
        assert entry["duurMs"] < 100  # under its own deadline: not asked at all


async def test_hanging_register_opens_the_breaker_and_readyz_says_so() -> None:
    settings = with_registers(
        demo_settings(),
        openzaak={"deadline_ms": 100, "breaker_failures": 2, "breaker_cooldown_ms": 60_000},
    )
    registers = Intercepted()
    registers.state.faults.set("zaken", Fault.hang())
    async for facade in facade_on(settings, registers):
        for _ in range(3):
            await facade.klantbeeld(BSN_HOOFDPERSOON)
        registers.state.faults.clear()
        ready = await facade.client.get("/readyz")
        assert "openzaak" in ready.text, ready.text


# Deeper than Python's recursion limit: json.loads raises RecursionError, not ValueError.
NESTED = b"[" * 100_000 + b"]" * 100_000


async def test_probe_ending_in_recursion_error_closes_half_open_state() -> None:
    settings = with_registers(
        demo_settings(),
        openzaak={"breaker_failures": 1, "breaker_cooldown_ms": 100},
    )
    registers = Intercepted()
    async for facade in facade_on(settings, registers):
        registers.state.faults.set("zaken", Fault.http_status(503))
        view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
        assert bron(view, "openzaak")["status"] == "fout"  # the breaker opens
        registers.state.faults.clear()

        registers.on(path_starts(ZAKEN_BASE), respond(200, NESTED))
        await asyncio.sleep(0.15)  # half open: the next call probes
        view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
        assert bron(view, "openzaak")["status"] == "fout"  # the probe ends in RecursionError
        registers.rules.clear()

        await asyncio.sleep(0.25)  # past any cool-down the failed probe started
        view = (await facade.klantbeeld(BSN_HOOFDPERSOON)).json()
        entry = bron(view, "openzaak")
        assert entry["status"] == "ok", f"the register is never asked again: {entry}"
