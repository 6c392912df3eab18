"""Issue 12, point 5: every processing makes its own person-scoped upstream calls, with its
own trace context and user; only what is not personal (Catalogi) may be shared."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from klantbeeld_demo.registers.urls import KLANTINTERACTIES_BASE, ZAKEN_BASE
from tests.guarantees.support import Intercepted, facade_on
from tests.harness import Facade, caller_token, demo_settings

TRACE_1 = "0af7651916cd43dd8448eb211c80319c"
TRACE_2 = "4bf92f3577b34da6a3ce929d0e0e4736"


def traceparent(trace_id: str) -> str:
    return f"00-{trace_id}-b7ad6b7169203331-01"


def trace_ids_per_call(facade: Facade, base: str) -> dict[tuple[str, str], set[str]]:
    """Per distinct GET (path and query) under `base`: the trace ids it was sent with."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for call in facade.calls:
        if call.method == "GET" and call.path.startswith(base):
            query = "&".join(f"{k}={v}" for k, v in sorted(call.params.items()))
            seen[(call.path, query)].add(call.headers.get("traceparent", "").split("-")[1])
    return seen


async def two_at_once(facade: Facade, tokens: tuple[str, str]) -> None:
    responses = await asyncio.gather(
        *(
            facade.klantbeeld(
                BSN_HOOFDPERSOON, token=token, headers={"traceparent": traceparent(trace)}
            )
            for token, trace in zip(tokens, (TRACE_1, TRACE_2), strict=True)
        )
    )
    assert [r.status_code for r in responses] == [200, 200]


async def test_two_callers_same_person_static_token_register_make_two_upstream_calls_with_own_traceparent() -> (  # noqa: E501
    None
):
    # Slow enough that the two klantbeelden overlap at Klantinteracties.
    registers = Intercepted(
        latency={"klantinteracties.partijen": 0.2, "klantinteracties.klantcontacten": 0.2}
    )
    async for facade in facade_on(demo_settings(), registers):
        tokens = (caller_token(sub="kcc-medewerker-1"), caller_token(sub="kcc-medewerker-2"))
        await two_at_once(facade, tokens)
        calls = trace_ids_per_call(facade, KLANTINTERACTIES_BASE)
        assert calls
        shared = {call: ids for call, ids in calls.items() if ids != {TRACE_1, TRACE_2}}
        assert not shared, f"calls made once for two processings: {sorted(shared)}"


async def test_two_processings_of_one_user_make_their_own_zaken_calls() -> None:
    registers = Intercepted(latency={"zaken.rollen": 0.2, "zaken.list": 0.2})
    async for facade in facade_on(demo_settings(), registers):
        token = caller_token(sub="kcc-medewerker-1")
        await two_at_once(facade, (token, token))
        calls = trace_ids_per_call(facade, ZAKEN_BASE)
        assert calls
        shared = {call: ids for call, ids in calls.items() if ids != {TRACE_1, TRACE_2}}
        assert not shared, f"calls made once for two processings: {sorted(shared)}"
