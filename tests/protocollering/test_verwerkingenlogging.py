"""The VNG Verwerkingenlogging sink against a respx register: what it sends, when it confirms.

The spans are real SDK spans, named and attributed as the façade makes them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import jwt
import pytest
import respx
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import set_span_in_context

from connectors.auth import ZgwJwtAuth
from facade.protocollering import attributes as attr
from facade.protocollering.pseudonym import Pseudonymizer, PseudonymKey
from facade.protocollering.sink import AUDIT_SPAN, PERSON_SPAN, PROCESSING_SPAN, SinkError
from facade.protocollering.verwerkingenlogging import VerwerkingenloggingSink

BASE = "https://vwl.example.nl/api/v1"
ENDPOINT = f"{BASE}/verwerkingsacties"
CLIENT_ID = "klantbeeld-facade"
SECRET = "vwl-secret-for-tests-only-0123456789"
NOW = 1_700_000_000.0
OIN = "00000001821002193000"
BSN = "999993653"  # passes the elfproef
PSEUDONYM = Pseudonymizer(PseudonymKey("k2024", b"pseudonym-key")).pseudonym(BSN)
ACTIVITY = "5f0bef4c-f66f-4311-84a5-19e8bf359eaf"
START_NS = 1_712_324_142_123_456_789  # 2024-04-05T13:35:42.123456789Z

PROCESSING_ATTRIBUTES: dict[str, Any] = {
    attr.PROCESSING_ACTIVITY_ID: ACTIVITY,
    attr.DATA_SUBJECT_ID: PSEUDONYM,
    attr.DATA_SUBJECT_ID_TYPE: "BSN-pseudoniem",
    attr.DATA_SUBJECT_KEY_ID: "k2024",
}
AUDIT_ATTRIBUTES: dict[str, Any] = {
    attr.CALLER_CLIENT_ID: "kcc-portaal",
    attr.CALLER_SUBJECT: "medewerker-0042",
    attr.CALLER_ISSUER: "https://idp.example.nl",
    attr.DOEL: "kcc-contact",
    attr.DOEL_NAAM: "Klantcontact KCC",
    attr.GRONDSLAG: "art. 6 lid 1 sub e AVG",
    attr.POLICY_VERSION: "sha256:abc",
    attr.SOURCES: ("brp=ok", "zaken=ok"),
    attr.FIELDS: ("brp.naam.voornamen", "zaken[].identificatie"),
    attr.HTTP_STATUS: 200,
    attr.OUTCOME: "ok",
}


def spans(
    processing: dict[str, Any] | None = None, audit: dict[str, Any] | None = None
) -> list[ReadableSpan]:
    """The batch the façade hands a sink: processing span, then its audit span (a child)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("klantbeeld.protocollering")
    span = tracer.start_span(PROCESSING_SPAN, attributes=processing, start_time=START_NS)
    child = tracer.start_span(AUDIT_SPAN, context=set_span_in_context(span), attributes=audit)
    child.end()
    span.end()
    finished = {s.name: s for s in exporter.get_finished_spans()}
    return [finished[PROCESSING_SPAN], finished[AUDIT_SPAN]]


def batch(**changes: Any) -> list[ReadableSpan]:
    """The standard batch, with attributes replaced (a value of None removes it)."""
    processing = {**PROCESSING_ATTRIBUTES}
    audit = {**AUDIT_ATTRIBUTES}
    for key, value in changes.items():
        name = getattr(attr, key)
        target = processing if name in PROCESSING_ATTRIBUTES else audit
        target.pop(name, None)
        if value is not None:
            target[name] = value
    return spans(processing, audit)


@pytest.fixture
async def sink() -> AsyncIterator[VerwerkingenloggingSink]:
    sink = VerwerkingenloggingSink(
        BASE,
        httpx.AsyncClient(timeout=2.0),
        ZgwJwtAuth(CLIENT_ID, SECRET, clock=lambda: NOW),
        uitvoerder=OIN,
    )
    yield sink
    await sink.aclose()


@pytest.fixture
def register() -> Any:
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


def created(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    echo = {
        **body,
        "url": f"{ENDPOINT}/7a22eb38-bca6-463f-9955-54ab040287cb",
        "actieId": "7a22eb38-bca6-463f-9955-54ab040287cb",
        "tijdstipRegistratie": "2024-04-05T13:35:43.000Z",
    }
    return httpx.Response(201, json=echo, headers={"Location": echo["url"], "API-version": "0.9.0"})


def sent(route: respx.Route) -> dict[str, Any]:
    return json.loads(route.calls.last.request.content)


def claims(route: respx.Route) -> dict[str, Any]:
    scheme, token = route.calls.last.request.headers["Authorization"].split(" ", 1)
    assert scheme == "Bearer"
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    return jwt.decode(token, SECRET, algorithms=["HS256"])


async def test_posts_one_verwerkingsactie_per_klantbeeld(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)

    await sink.write(batch())

    assert route.call_count == 1
    request = route.calls.last.request
    assert request.url.path == "/api/v1/verwerkingsacties"
    assert request.url.query == b""
    assert request.headers["Content-Type"] == "application/json"
    assert sent(route) == {
        "actieNaam": "Klantbeeld opvragen",
        "verwerkingNaam": "Klantcontact KCC",
        "verwerkingsactiviteitId": ACTIVITY,
        "vertrouwelijkheid": "normaal",
        "bewaartermijn": "P20Y",
        "uitvoerder": OIN,
        "systeem": "klantbeeld-facade",
        "gebruiker": "medewerker-0042",
        "tijdstip": "2024-04-05T13:35:42.123Z",
        "verwerkteObjecten": [
            {
                "objecttype": "persoon",
                "soortObjectId": "BSN-pseudoniem:k2024",
                "objectId": PSEUDONYM[:32],
            }
        ],
    }


async def test_authenticates_with_a_zgw_jwt_naming_the_caller(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)

    await sink.write(batch())

    assert claims(route) == {
        "iss": CLIENT_ID,
        "client_id": CLIENT_ID,
        "iat": int(NOW) - 5,
        "user_id": "medewerker-0042",
        "user_representation": "medewerker-0042",
    }


async def test_object_id_is_the_truncated_pseudonym_never_the_bsn(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)

    await sink.write(batch())

    (persoon,) = sent(route)["verwerkteObjecten"]
    assert persoon["objectId"] == PSEUDONYM[:32]
    assert len(persoon["objectId"]) == 32
    request = route.calls.last.request
    assert BSN not in request.content.decode()
    assert BSN not in request.headers["Authorization"]
    assert BSN not in json.dumps(claims(route))


async def test_a_refusal_without_a_person_logs_the_actie_without_objects(sink, register) -> None:
    # An invalid BSN was refused before anyone was pseudonymised.
    route = register.post(ENDPOINT).mock(side_effect=created)

    await sink.write(batch(DATA_SUBJECT_ID=None, DATA_SUBJECT_KEY_ID=None, OUTCOME="ongeldig-bsn"))

    assert sent(route)["verwerkteObjecten"] == []


async def test_an_activity_url_is_sent_as_url_and_its_uuid_as_id(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)
    url = f"https://register.example.nl/api/v1/verwerkingsactiviteiten/{ACTIVITY}"

    await sink.write(batch(PROCESSING_ACTIVITY_ID=url))

    body = sent(route)
    assert body["verwerkingsactiviteitUrl"] == url
    assert body["verwerkingsactiviteitId"] == ACTIVITY


async def test_an_activity_that_is_neither_uuid_nor_url_is_left_out(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)

    await sink.write(batch(PROCESSING_ACTIVITY_ID="klantcontact"))

    body = sent(route)
    assert "verwerkingsactiviteitId" not in body
    assert "verwerkingsactiviteitUrl" not in body


async def test_long_values_are_cut_to_the_spec_limits(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)

    await sink.write(batch(CALLER_SUBJECT="u" * 60, DOEL_NAAM="d" * 300))

    body = sent(route)
    assert body["gebruiker"] == "u" * 40
    assert body["verwerkingNaam"] == "d" * 242


async def test_201_confirms_and_keeps_the_sink_ready(sink, register) -> None:
    register.post(ENDPOINT).mock(side_effect=created)

    await sink.write(batch())

    assert await sink.ready() is True


async def test_anything_but_201_is_not_a_confirmation(sink, register) -> None:
    register.post(ENDPOINT).mock(return_value=httpx.Response(200, json={}))

    with pytest.raises(SinkError, match="HTTP 200"):
        await sink.write(batch())


@pytest.mark.parametrize("status", [400, 403, 500])
async def test_error_answers_raise_without_personal_data(sink, register, status: int) -> None:
    # The register echoes what it got; the message keeps codes and field names only.
    fout = {
        "type": f"{ENDPOINT}?objectId={BSN}",
        "code": "invalid" if status == 400 else "permission_denied",
        "title": "Fout",
        "status": status,
        "detail": f"Ongeldige waarde {BSN}",
        "instance": f"{ENDPOINT}?objectId={BSN}",
        "invalidParams": [
            {"name": "gebruiker", "code": "max_length", "reason": f"{BSN} is te lang"},
            {"name": BSN, "code": "invalid", "reason": "x"},
        ],
    }
    register.post(ENDPOINT).mock(return_value=httpx.Response(status, json=fout))

    with pytest.raises(SinkError) as raised:
        await sink.write(batch())

    message = str(raised.value)
    assert f"HTTP {status}" in message
    assert "gebruiker=max_length" in message
    assert BSN not in message
    assert PSEUDONYM[:32] not in message
    assert "http" not in message.lower().replace("http ", "")
    assert "?" not in message


async def test_a_timeout_raises_without_url(sink, register) -> None:
    register.post(ENDPOINT).mock(side_effect=httpx.ReadTimeout("timed out to " + ENDPOINT))

    with pytest.raises(SinkError) as raised:
        await sink.write(batch())

    assert str(raised.value) == "verwerkingenlogging: timeout"


async def test_a_connection_error_raises_without_url(sink, register) -> None:
    register.post(ENDPOINT).mock(side_effect=httpx.ConnectError(f"refused {ENDPOINT}?bsn={BSN}"))

    with pytest.raises(SinkError) as raised:
        await sink.write(batch())

    assert str(raised.value) == "verwerkingenlogging: ConnectError"


@pytest.mark.parametrize(
    "change",
    [
        {"CALLER_SUBJECT": BSN},  # a DigiD subject that slipped through
        {"DOEL_NAAM": f"Inzage {BSN}"},
        {"PROCESSING_ACTIVITY_ID": f"https://register.example.nl/va/{BSN}"},
        {"DATA_SUBJECT_KEY_ID": BSN},
    ],
    ids=["gebruiker", "verwerkingNaam", "activiteitUrl", "soortObjectId"],
)
async def test_a_batch_carrying_a_bsn_is_refused_not_sent(sink, register, change) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)

    with pytest.raises(SinkError, match="looks like a BSN") as raised:
        await sink.write(batch(**change))

    assert route.call_count == 0
    assert BSN not in str(raised.value)


async def test_a_data_subject_id_that_is_no_pseudonym_is_refused(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)

    with pytest.raises(SinkError, match="not a hex pseudonym") as raised:
        await sink.write(batch(DATA_SUBJECT_ID=BSN))

    assert route.call_count == 0
    assert BSN not in str(raised.value)


async def test_a_pseudonym_with_elfproef_digits_by_chance_is_sent(sink, register) -> None:
    # Hex digits that happen to form a valid BSN are no BSN: refusing them would
    # fail about one request in 200.
    route = register.post(ENDPOINT).mock(side_effect=created)
    chance = "ab" + BSN + "c" * 53

    await sink.write(batch(DATA_SUBJECT_ID=chance))

    assert sent(route)["verwerkteObjecten"][0]["objectId"] == chance[:32]


async def test_a_batch_without_its_audit_span_is_refused(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)
    processing: Sequence[ReadableSpan] = batch()[:1]

    with pytest.raises(SinkError, match="0 'klantbeeld audit' spans"):
        await sink.write(processing)

    assert route.call_count == 0


async def test_ready_follows_the_last_delivery(sink, register) -> None:
    route = register.post(ENDPOINT)
    assert await sink.ready() is True

    route.mock(return_value=httpx.Response(503))
    with pytest.raises(SinkError):
        await sink.write(batch())
    assert await sink.ready() is False

    route.mock(side_effect=created)
    await sink.write(batch())
    assert await sink.ready() is True


async def test_a_refused_batch_does_not_change_readiness(sink, register) -> None:
    # The register was never asked: this says nothing about its health.
    register.post(ENDPOINT).mock(side_effect=created)

    with pytest.raises(SinkError):
        await sink.write(batch(CALLER_SUBJECT=BSN))

    assert await sink.ready() is True


async def test_aclose_closes_the_client() -> None:
    client = httpx.AsyncClient()
    sink = VerwerkingenloggingSink(BASE, client, ZgwJwtAuth(CLIENT_ID, SECRET), uitvoerder=OIN)

    await sink.aclose()

    assert client.is_closed


@pytest.mark.parametrize(
    ("uitvoerder", "bewaartermijn"),
    [("1234", "P20Y"), ("0000000182100219300X", "P20Y"), (OIN, "20 jaar"), (OIN, "P")],
)
def test_configuration_outside_the_spec_is_rejected(uitvoerder: str, bewaartermijn: str) -> None:
    with pytest.raises(ValueError):
        VerwerkingenloggingSink(
            BASE,
            httpx.AsyncClient(),
            ZgwJwtAuth(CLIENT_ID, SECRET),
            uitvoerder=uitvoerder,
            bewaartermijn=bewaartermijn,
        )


async def test_bewaartermijn_and_systeem_are_configurable(register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)
    sink = VerwerkingenloggingSink(
        BASE + "/",
        httpx.AsyncClient(),
        ZgwJwtAuth(CLIENT_ID, SECRET),
        uitvoerder=OIN,
        bewaartermijn="P7Y",
        systeem="klantbeeld-facade 1.4",
    )

    await sink.write(batch())
    await sink.aclose()

    body = sent(route)
    assert (body["bewaartermijn"], body["systeem"]) == ("P7Y", "klantbeeld-facade 1.4")


async def test_a_search_sends_every_person_it_received_as_a_verwerkt_object(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)
    other = Pseudonymizer(PseudonymKey("k2024", b"pseudonym-key")).pseudonym("999990093")
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("klantbeeld.protocollering")
    processing = {attr.PROCESSING_ACTIVITY_ID: ACTIVITY, attr.CATEGORIEEN: ("persoonsgegevens",)}
    span = tracer.start_span(PROCESSING_SPAN, attributes=processing, start_time=START_NS)
    for pseudonym in (PSEUDONYM, other):
        tracer.start_span(
            PERSON_SPAN,
            context=set_span_in_context(span),
            attributes={
                attr.PROCESSING_ACTIVITY_ID: ACTIVITY,
                attr.DATA_SUBJECT_ID: pseudonym,
                attr.DATA_SUBJECT_ID_TYPE: "BSN",
                attr.DATA_SUBJECT_KEY_ID: "k2024",
                attr.DELIVERED: True,
            },
        ).end()
    tracer.start_span(
        AUDIT_SPAN,
        context=set_span_in_context(span),
        attributes={**AUDIT_ATTRIBUTES, attr.HANDELING: "zoeken"},
    ).end()
    span.end()

    await sink.write(list(exporter.get_finished_spans()))

    assert [o["objectId"] for o in sent(route)["verwerkteObjecten"]] == [
        PSEUDONYM[:32],
        other[:32],
    ]
    assert sent(route)["actieNaam"] == "Personen zoeken"
    # Each person found: what a candidate shows of them, in the inzage's words.
    assert all(
        o["verwerkteSoortenGegevens"] == [{"soortGegeven": "persoonsgegevens"}]
        for o in sent(route)["verwerkteObjecten"]
    )


async def test_names_the_afnemer_as_handeling_and_the_categories_as_soorten_gegevens(
    sink, register
) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)
    processing = {
        **PROCESSING_ATTRIBUTES,
        attr.AFNEMER: "Klantcontactcentrum (KCC)",
        attr.CATEGORIEEN: ("persoonsgegevens", "zaken"),
    }

    await sink.write(spans(processing, AUDIT_ATTRIBUTES))

    body = sent(route)
    assert body["verwerkingNaam"] == "Klantcontact KCC"
    assert body["handelingNaam"] == "Klantcontactcentrum (KCC)"
    assert body["verwerkteObjecten"][0]["verwerkteSoortenGegevens"] == [
        {"soortGegeven": "persoonsgegevens"},
        {"soortGegeven": "zaken"},
    ]


async def test_an_afnemer_label_holding_a_bsn_is_refused_not_sent(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)
    processing = {**PROCESSING_ATTRIBUTES, attr.AFNEMER: f"Balie {BSN}"}

    with pytest.raises(SinkError, match="handelingNaam looks like a BSN"):
        await sink.write(spans(processing, AUDIT_ATTRIBUTES))

    assert route.call_count == 0


async def test_a_later_record_of_a_processing_is_kept_without_a_second_actie(
    sink, register
) -> None:
    # A stream's completion or a correction: audit spans only, each naming the record it
    # follows. The register has no place for what they add, and one actie already exists.
    route = register.post(ENDPOINT).mock(side_effect=created)
    later = batch(CORRECTION_OF="00f067aa0ba902b7", STREAM="voltooid")[1:]

    await sink.write(later)

    assert route.call_count == 0
    assert await sink.ready()


async def test_an_audit_span_alone_that_corrects_nothing_is_still_refused(sink, register) -> None:
    route = register.post(ENDPOINT).mock(side_effect=created)
    with pytest.raises(SinkError, match="0 'klantbeeld opvragen' spans"):
        await sink.write(batch()[1:])
    assert route.call_count == 0


async def test_an_ondernemer_is_a_persoon_object_named_by_its_kvk_pseudonym(sink, register) -> None:
    # The spec's enum for objecttype is ["persoon"]: anything else is a 400 from a real log.
    route = register.post(ENDPOINT).mock(side_effect=created)
    await sink.write(batch(DATA_SUBJECT_ID_TYPE="KvK-nummer"))
    [verwerkt] = sent(route)["verwerkteObjecten"]
    assert verwerkt["objecttype"] == "persoon"
    assert verwerkt["soortObjectId"].startswith("KvK-nummer-pseudoniem:")
