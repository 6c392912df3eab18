"""Metrics for operators (no personal data in any label) and readiness."""

from __future__ import annotations

from klantbeeld_demo.registers import BSN_GEHEIM, BSN_HOOFDPERSOON, Fault
from tests.harness import Facade


async def test_metrics_count_requests_by_doel_and_outcome_and_time_each_register(
    facade: Facade,
) -> None:
    await facade.klantbeeld(BSN_HOOFDPERSOON)
    await facade.klantbeeld(BSN_HOOFDPERSOON, doel="wmo-consulent")  # not allowed: 403
    text = (await facade.client.get("/metrics")).text
    assert 'klantbeeld_verzoeken_total{doel="kcc-algemene-vraag",status="200",uitkomst="ok"' in text
    assert 'doel="wmo-consulent",status="403",uitkomst="verboden"' in text
    assert 'klantbeeld_bron_duur_milliseconds_bucket{bron="openzaak"' in text
    assert "klantbeeld_protocollering_duur_milliseconds_count" in text
    assert 'klantbeeld_bron_breaker{bron="brp",soort="brp"} 0.0' in text
    assert 'klantbeeld_catalogi_cache_total{resultaat="miss"}' in text


async def test_no_bsn_ever_becomes_a_metric_label(facade: Facade) -> None:
    await facade.klantbeeld(BSN_HOOFDPERSOON)
    await facade.klantbeeld(BSN_GEHEIM, doel=BSN_GEHEIM)  # a BSN where the doel belongs
    await facade.klantbeeld(BSN_HOOFDPERSOON, headers={"X-Gebruiker": "j.jansen"})
    text = (await facade.client.get("/metrics")).text
    assert BSN_HOOFDPERSOON not in text and BSN_GEHEIM not in text
    assert 'doel="onbekend"' in text
    assert "j.jansen" not in text


async def test_readiness_flips_when_the_audit_sink_is_down(facade: Facade) -> None:
    assert (await facade.client.get("/readyz")).json()["status"] == "ok"
    facade.sink.fail = OSError("weg")
    response = await facade.client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["controles"] == {
        "configuratie": True,
        "protocollering": False,
        "registers": True,
        "sleutels": True,
    }


async def test_readiness_flips_when_every_registers_breaker_is_open(facade: Facade) -> None:
    app_registers = facade_registers(facade)
    for register in app_registers:
        for _ in range(register.upstream.breaker.threshold):
            register.upstream.breaker.record(_unhealthy())
    response = await facade.client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["controles"]["registers"] is False


async def test_liveness_never_calls_a_register(facade: Facade) -> None:
    facade.registers.state.faults.set("brp", Fault.hang())
    assert (await facade.client.get("/healthz")).status_code == 200
    assert (await facade.client.get("/readyz")).status_code == 200
    assert facade.calls == []


def facade_registers(facade: Facade) -> list:
    app = facade.client._transport.app  # type: ignore[attr-defined]
    while not hasattr(app, "state"):
        app = app.app
    return app.state.facade.registers.all


def _unhealthy():
    from connectors.errors import UpstreamError

    return UpstreamError("x", upstream_status=503)
