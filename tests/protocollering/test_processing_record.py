"""Every klantbeeld is recorded: one processing record, its audit record, confirmed first."""

from __future__ import annotations

import time

from facade.protocollering.pseudonym import Pseudonymizer, PseudonymKey
from klantbeeld_demo.registers import BSN_HOOFDPERSOON
from policies.projection import delivered_paths
from tests.harness import Facade, caller_token

DEMO_KEY = PseudonymKey(
    "demo-2026", b"demo-pseudoniemsleutel-alleen-voor-de-demo-niet-voor-productie"
)
TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT_ID = "b7ad6b7169203331"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_ID}-00"  # not sampled: the logboek records anyway


def by_kind(facade: Facade) -> tuple[list[dict], list[dict]]:
    records = facade.sink.records()
    processing = [r for r in records if r["record"] == "dataverwerking"]
    audit = [r for r in records if r["record"] == "audit"]
    return processing, audit


async def test_a_klantbeeld_produces_exactly_one_processing_record_with_the_pseudonym(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(
        BSN_HOOFDPERSOON, headers={"traceparent": TRACEPARENT, "X-Gebruiker": "j.jansen"}
    )
    assert response.status_code == 200
    processing, audit = by_kind(facade)
    assert len(processing) == 1 and len(audit) == 1
    record = processing[0]
    attributes = record["attributes"]
    assert attributes["dpl.core.processing_activity_id"].endswith("1d2e3f4a5b6c")
    assert attributes["dpl.core.data_subject_id"] == Pseudonymizer(DEMO_KEY).pseudonym(
        BSN_HOOFDPERSOON
    )
    assert attributes["dpl.core.data_subject_id_type"] == "BSN"
    assert attributes["klantbeeld.data_subject_key_id"] == "demo-2026"
    assert record["status_code"] == "OK"
    assert BSN_HOOFDPERSOON not in str(record)


async def test_the_inbound_trace_is_continued_and_named_as_the_foreign_operation(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(BSN_HOOFDPERSOON, headers={"traceparent": TRACEPARENT})
    processing, audit = by_kind(facade)
    record = processing[0]
    assert record["trace_id"] == TRACE_ID
    assert record["parent_span_id"] == PARENT_ID
    assert record["attributes"]["dpl.core.foreign_operation.trace_id"] == TRACE_ID
    assert record["attributes"]["dpl.core.foreign_operation.span_id"] == PARENT_ID
    assert response.json()["verwerking"]["traceId"] == TRACE_ID
    # The audit record hangs under the processing record.
    assert audit[0]["trace_id"] == TRACE_ID
    assert audit[0]["parent_span_id"] == record["span_id"]


async def test_every_upstream_request_names_the_processing_record_as_its_caller(
    facade: Facade,
) -> None:
    await facade.klantbeeld(BSN_HOOFDPERSOON, headers={"traceparent": TRACEPARENT})
    processing, _ = by_kind(facade)
    assert facade.calls
    for call in facade.calls:
        # So each register's own logboek points at a record that exists in ours.
        assert call.headers["traceparent"] == f"00-{TRACE_ID}-{processing[0]['span_id']}-01"


async def test_the_audit_record_lists_who_why_and_exactly_the_delivered_field_paths(
    facade: Facade,
) -> None:
    response = await facade.klantbeeld(
        BSN_HOOFDPERSOON, headers={"X-Gebruiker": "j.jansen", "X-Verwerking": "KCC telefonie"}
    )
    view = response.json()
    _, audit = by_kind(facade)
    attributes = audit[0]["attributes"]
    sections = {k: view[k] for k in ("klant", "zaken", "contactmomenten")}
    assert attributes["klantbeeld.velden"] == sorted(delivered_paths(sections))
    assert attributes["klantbeeld.caller.subject"] == "kcc-medewerker-1"
    assert attributes["klantbeeld.gebruiker_opgegeven"] == "j.jansen"
    assert attributes["klantbeeld.verwerking_opgegeven"] == "KCC telefonie"
    assert attributes["klantbeeld.doel"] == "kcc-algemene-vraag"
    assert attributes["klantbeeld.grondslag"].startswith("AVG art. 6")
    assert attributes["klantbeeld.beleidsversie"] == view["verwerking"]["beleidsversie"]
    assert attributes["klantbeeld.bronnen"] == [
        f"{b['bron']}={b['status']}" for b in view["bronnen"]
    ]
    assert attributes["klantbeeld.http_status"] == 200
    assert attributes["klantbeeld.uitkomst"] == "ok"
    assert "Saskia" not in str(audit)


async def test_a_refusal_is_recorded_as_an_error_with_the_subject_nothing_fetched(
    facade: Facade,
) -> None:
    token = caller_token("klantbeeld.zelfbediening", bsn="999990068")
    response = await facade.klantbeeld(BSN_HOOFDPERSOON, doel="mijn-gegevens", token=token)
    assert response.status_code == 403
    processing, audit = by_kind(facade)
    assert processing[0]["status_code"] == "ERROR"
    assert processing[0]["attributes"]["exception.type"] == "Problem"
    assert processing[0]["attributes"]["exception.message"] == "verboden"
    assert processing[0]["attributes"]["dpl.core.data_subject_id"]
    assert audit[0]["attributes"]["klantbeeld.http_status"] == 403
    assert "klantbeeld.velden" not in audit[0]["attributes"]
    assert facade.calls == []


async def test_a_portal_token_whose_subject_is_a_bsn_is_audited_as_a_pseudonym(
    facade: Facade,
) -> None:
    token = caller_token("klantbeeld.zelfbediening", bsn=BSN_HOOFDPERSOON, sub=BSN_HOOFDPERSOON)
    await facade.klantbeeld(BSN_HOOFDPERSOON, doel="mijn-gegevens", token=token)
    _, audit = by_kind(facade)
    assert audit[0]["attributes"]["klantbeeld.caller.subject"].startswith("pseudoniem:")
    assert BSN_HOOFDPERSOON not in str(facade.sink.records())


async def test_an_unauthenticated_request_is_refused_before_any_processing(facade: Facade) -> None:
    response = await facade.client.post("/api/v1/klantbeeld", json={})
    assert response.status_code == 401
    assert facade.sink.batches == []


async def test_a_failing_sink_gives_503_without_personal_data_and_recovers(
    facade: Facade,
) -> None:
    facade.sink.fail = OSError("schijf vol")
    response = await facade.klantbeeld(BSN_HOOFDPERSOON)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "protocollering-onbeschikbaar"
    assert "Retry-After" in response.headers
    assert "Saskia" not in response.text and BSN_HOOFDPERSOON not in response.text
    facade.sink.fail = None
    assert (await facade.klantbeeld(BSN_HOOFDPERSOON)).status_code == 200


async def test_a_hanging_sink_gives_503_at_the_audit_deadline(facade: Facade) -> None:
    facade.sink.hang = True
    started = time.monotonic()
    response = await facade.klantbeeld(BSN_HOOFDPERSOON)
    assert response.status_code == 503
    # The audit deadline (2 s in the demo configuration) plus slack.
    assert time.monotonic() - started < 3.5


async def test_readyz_reports_a_sink_that_is_down(facade: Facade) -> None:
    assert (await facade.client.get("/readyz")).status_code == 200
    facade.sink.fail = OSError("weg")
    response = await facade.client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["controles"]["protocollering"] is False


async def test_the_processing_record_names_the_doel_afnemer_and_categories(
    facade: Facade,
) -> None:
    await facade.klantbeeld(BSN_HOOFDPERSOON, doel="kcc-zaakstatus")

    processing, _ = by_kind(facade)
    attributes = processing[0]["attributes"]
    assert attributes["klantbeeld.doel"] == "kcc-zaakstatus"
    assert attributes["klantbeeld.afnemer"] == "Klantcontactcentrum (KCC)"
    assert attributes["klantbeeld.categorieen"] == ["persoonsgegevens", "zaken"]


async def test_a_wmo_consulent_is_named_by_the_rule_that_granted_the_role(
    facade: Facade,
) -> None:
    token = caller_token(None, roles=["wmo-consulent"])

    await facade.klantbeeld(BSN_HOOFDPERSOON, doel="wmo-consulent", token=token)

    processing, _ = by_kind(facade)
    assert processing[0]["attributes"]["klantbeeld.afnemer"] == "Wmo-consulent"


async def test_a_refused_doel_names_no_afnemer(facade: Facade) -> None:
    response = await facade.klantbeeld(BSN_HOOFDPERSOON, doel="belastingen")

    assert response.status_code == 403
    processing, _ = by_kind(facade)
    assert "klantbeeld.afnemer" not in processing[0]["attributes"]
