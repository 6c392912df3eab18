"""No BSN, no search value anywhere it does not belong: a whole demo run, everything captured.

Several persons, several doelen, failing registers, refusals and bad input,
with logging at DEBUG (to the JSON handler and to pytest's capture), ordinary
tracing sampling everything, and the protocollering. The BSNs used may appear
in the successful answers, and nowhere else: not in a log line, a span, an
audit record or a problem body. The values of the searches in the run (names, postcodes,
streets, phone numbers, e-mail addresses) are personal data too: they may appear in no
log line, span, audit record or problem body either (only in an answer, as data found).
"""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from facade.observability import ObservabilitySettings, setup_logging
from klantbeeld_demo.registers import (
    BSN_ALLEEN_BRP,
    BSN_GEHEIM,
    BSN_HOOFDPERSOON,
    BSN_ONBEKEND_IN_BRP,
    BSN_OVERLEDEN,
    BSN_PARTNER,
    Fault,
)
from klantbeeld_demo.registers.ondernemers import (
    BV_KVK,
    BV_NEVENVESTIGING,
    EENMANSZAAK_KVK,
    EENMANSZAAK_VESTIGING,
)
from tests.harness import Facade, caller_token, demo_settings, make_facade

UNKNOWN = "999990111"
USED = [BSN_HOOFDPERSOON, BSN_GEHEIM, BSN_OVERLEDEN, BSN_ONBEKEND_IN_BRP, BSN_ALLEEN_BRP, UNKNOWN]
# An eenmanszaak's KvK number (and its vestigingsnummer) names a person: personal data.
UNKNOWN_KVK = "12345678"
KVK_SECRETS = [EENMANSZAAK_KVK, EENMANSZAAK_VESTIGING, UNKNOWN_KVK]
# Also data that only the registers hold: a partner's BSN in the BRP answer.
SECRETS = [*USED, BSN_PARTNER, *KVK_SECRETS]
# What the searches in the run send, in the forms the caller wrote them and as normalised.
SEARCH_VALUES = [
    "Berg",
    "Kastanjelaan",
    "1998AB",
    "1998 ab",
    "06-87001122",
    "+31 6 8700 1122",
    "+31687001122",
    "87001122",
    "S.vandenBerg@Example.NL",
    "s.vandenberg@example.nl",
    "Onbekendnaam",
    "0699999999",
]
LOGGERS = ["", "httpx", "httpcore", "facade", "connectors", "uvicorn", "aiohttp"]


async def test_a_full_demo_run_leaks_no_bsn_outside_the_answers(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = setup_logging(ObservabilitySettings(log_level="DEBUG", log_format="json"))
    try:
        await _run_and_check(caplog, capsys)
    finally:
        # The handler writes to the stderr pytest captured for this test only.
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(logging.WARNING)


async def _run_and_check(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))

    answers: list[str] = []
    problems: list[str] = []
    searched: list[str] = []
    async for facade in make_facade(demo_settings(), tracer_provider=provider):
        faults = facade.registers.state.faults

        async def ask(
            bsn: str, doel: str = "kcc-algemene-vraag", facade: Facade = facade, **kwargs: object
        ) -> None:
            response = await facade.klantbeeld(bsn, doel=doel, **kwargs)  # type: ignore[arg-type]
            if response.headers["content-type"] == "application/problem+json":
                problems.append(response.text)
            else:
                answers.append(response.text)

        for bsn in USED:
            await ask(bsn)
        wmo = caller_token(None, roles=["wmo-consulent"])
        balie = caller_token("klantbeeld.burgerzaken")
        await ask(BSN_HOOFDPERSOON, "wmo-consulent", token=wmo)
        await ask(BSN_GEHEIM, "burgerzaken-balie", token=balie)
        await ask(
            BSN_HOOFDPERSOON,
            "mijn-gegevens",
            token=caller_token("klantbeeld.zelfbediening", bsn=BSN_HOOFDPERSOON),
        )
        # Failing registers.
        faults.set("zaken", Fault.http_status(503))
        faults.set("brp", Fault.invalid_json())
        await ask(BSN_HOOFDPERSOON)
        faults.clear()
        faults.set("klanten", Fault.server_error())
        await ask(BSN_OVERLEDEN)
        faults.clear()
        faults.set("brp", Fault.http_status(503))
        await ask(BSN_ALLEEN_BRP, "burgerzaken-balie", token=balie)  # required source: 503
        faults.clear()
        # Refusals and bad input.
        await ask(BSN_HOOFDPERSOON, "wmo-consulent")  # doel not allowed
        await ask(
            BSN_GEHEIM,
            "mijn-gegevens",
            token=caller_token("klantbeeld.zelfbediening", bsn=BSN_HOOFDPERSOON),
        )
        await ask(BSN_HOOFDPERSOON + "\n")
        await ask(BSN_HOOFDPERSOON, headers={"X-Gebruiker": BSN_OVERLEDEN})
        await ask(BSN_HOOFDPERSOON, doel="onbekend-doel")
        for path in (
            f"/api/v1/klantbeeld/{BSN_HOOFDPERSOON}",
            f"/api/v1/klantbeeld?burgerservicenummer={BSN_GEHEIM}",
        ):
            response = await facade.client.get(path)
            problems.append(response.text)
        response = await facade.client.post(
            f"/api/v1/klantbeeld?bsn={BSN_GEHEIM}",
            json={"burgerservicenummer": BSN_GEHEIM},
            headers={
                "Authorization": f"Bearer {caller_token()}",
                "X-Doelbinding": "kcc-zaakstatus",
            },
        )
        answers.append(response.text)

        # Ondernemers: the eenmanszaak, a branch, unknown, refused, invalid, failing.
        async def ask_kvk(
            body: dict, doel: str = "kcc-algemene-vraag", facade: Facade = facade, **kwargs: object
        ) -> None:
            response = await facade.klantbeeld(body=body, doel=doel, **kwargs)  # type: ignore[arg-type]
            if response.headers["content-type"] == "application/problem+json":
                problems.append(response.text)
            else:
                answers.append(response.text)

        await ask_kvk({"kvkNummer": EENMANSZAAK_KVK})
        await ask_kvk({"kvkNummer": EENMANSZAAK_KVK, "vestigingsnummer": EENMANSZAAK_VESTIGING})
        await ask_kvk({"kvkNummer": BV_KVK, "vestigingsnummer": BV_NEVENVESTIGING})
        await ask_kvk({"kvkNummer": UNKNOWN_KVK})
        await ask_kvk({"kvkNummer": BV_KVK, "vestigingsnummer": EENMANSZAAK_VESTIGING})
        await ask_kvk({"kvkNummer": EENMANSZAAK_KVK}, "kcc-zaakstatus")  # no ondernemers: 403
        await ask_kvk(
            {"kvkNummer": EENMANSZAAK_KVK},
            "mijn-onderneming",
            token=caller_token("klantbeeld.zelfbediening-ondernemer", kvkNummer=BV_KVK),
        )
        await ask_kvk({"kvkNummer": EENMANSZAAK_KVK + "0"})
        await ask_kvk({"kvkNummer": EENMANSZAAK_KVK, "vestigingsnummer": "x"})
        faults.set("kvk", Fault.server_error())
        await ask_kvk({"kvkNummer": EENMANSZAAK_KVK})
        faults.clear()
        faults.set("zaken", Fault.http_status(503))
        await ask_kvk({"kvkNummer": EENMANSZAAK_KVK})
        faults.clear()

        # Searches: found, not found, refused, invalid, a failing register.
        async def search(
            body: dict, doel: str = "kcc-algemene-vraag", facade: Facade = facade, **kwargs: object
        ) -> None:
            response = await facade.zoeken(body, doel=doel, **kwargs)  # type: ignore[arg-type]
            if response.headers["content-type"] == "application/problem+json":
                problems.append(response.text)
            else:
                searched.append(response.text)
                for kandidaat in response.json()["kandidaten"]:
                    await ask_by_handle(kandidaat["zoekresultaat"], doel)

        async def ask_by_handle(handle: str, doel: str, facade: Facade = facade) -> None:
            response = await facade.klantbeeld(body={"zoekresultaat": handle}, doel=doel)
            answers.append(response.text)

        await search({"geslachtsnaam": "Berg", "voorvoegsel": "van den",
                      "geboortedatum": "1983-05-26"})  # fmt: skip
        await search({"postcode": "1998 ab", "huisnummer": 12})
        await search({"straat": "Kastanjelaan", "huisnummer": 12,
                      "gemeenteVanInschrijving": "1998"}, "kcc-zaakstatus")  # fmt: skip
        await search({"telefoonnummer": "06-87001122"})
        await search({"telefoonnummer": "+31 6 8700 1122"})
        await search({"emailadres": "S.vandenBerg@Example.NL"})
        await search({"geslachtsnaam": "Onbekendnaam", "geboortedatum": "1983-05-26"})
        await search({"telefoonnummer": "0699999999"})
        await search({"telefoonnummer": "06-87001122"}, "kcc-zaakstatus")  # shape not allowed
        await search({"postcode": "1998AB", "huisnummer": 0})  # invalid
        await search({"geslachtsnaam": "Berg*", "geboortedatum": "1983"})  # invalid
        faults.set("brp", Fault.http_status(503))
        await search({"postcode": "1998AB", "huisnummer": 12})
        faults.clear()
        faults.set("klantinteracties", Fault.server_error())
        await search({"telefoonnummer": "+31 6 8700 1122"})
        faults.clear()
        assert len(searched) >= 6
        audit = json.dumps(facade.sink.records())

    assert BSN_HOOFDPERSOON in "".join(answers), "the run must have shown data to check"
    assert EENMANSZAAK_KVK in "".join(answers), "the run must have shown an eenmanszaak"
    assert len(problems) >= 8 and facade.sink.batches

    spans = json.dumps(
        [
            {
                "name": s.name,
                "attributes": dict(s.attributes or {}),
                "events": [(e.name, dict(e.attributes or {})) for e in s.events],
                "status": s.status.description,
                "resource": dict(s.resource.attributes),
            }
            for s in exporter.get_finished_spans()
        ]
    )
    assert exporter.get_finished_spans(), "ordinary tracing must have recorded spans"
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''} {r.__dict__}" for r in caplog.records
    )
    assert "HTTP Request" in logged, "httpx must have logged its requests for this to be a test"
    written = capsys.readouterr()
    captured = {
        "log records": logged,
        "stderr": written.err,
        "stdout": written.out,
        "ordinary spans": spans,
        "audit records": audit,
        "problem bodies": "\n".join(problems),
    }
    for where, text in captured.items():
        for bsn in SECRETS:
            assert bsn not in text, f"BSN found in {where}"
        for value in SEARCH_VALUES:
            assert value.casefold() not in text.casefold(), f"a search value found in {where}"
    assert "klantbeeld persoon" in audit, "the searches must have recorded the persons found"
