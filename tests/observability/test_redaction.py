"""Query strings and BSNs are removed from log records before any handler sees them."""

from __future__ import annotations

import logging

import httpx
import pytest
from uvicorn.logging import AccessFormatter

from facade.observability import REDACTED_LOGGERS, RedactionFilter, install_redaction
from tests.observability.conftest import BSN, NOT_A_BSN

ZAKEN_URL = "https://open-zaak.gemeente.example/zaken/api/v1/zaken"


@pytest.fixture(autouse=True)
def redaction() -> None:
    install_redaction()


async def test_httpx_request_line_loses_query_and_bsn_even_in_caplog_at_debug(caplog):
    caplog.set_level(logging.DEBUG)
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get(
            ZAKEN_URL, params={"rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn": BSN}
        )

    (record,) = [r for r in caplog.records if r.getMessage().startswith("HTTP Request")]
    assert record.getMessage() == f'HTTP Request: GET {ZAKEN_URL} "HTTP/1.1 200 OK"'
    assert BSN not in caplog.text
    assert "inpBsn" not in caplog.text


def test_a_bsn_outside_any_url_becomes_a_mark(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").info("lookup for %s", BSN)

    assert caplog.records[0].getMessage() == "lookup for [bsn]"


def test_nine_digits_that_fail_the_elfproef_are_kept(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").info("request id %s", NOT_A_BSN)

    assert caplog.records[0].getMessage() == f"request id {NOT_A_BSN}"


def test_a_bsn_passed_as_a_number_for_percent_d_is_marked(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("aiohttp.client").info("subject %d", int(BSN))

    assert caplog.records[0].getMessage() == "subject [bsn]"


def test_exception_text_is_redacted(caplog):
    caplog.set_level(logging.INFO)
    try:
        raise ValueError(f"cannot reach {ZAKEN_URL}?inpBsn={BSN}")
    except ValueError:
        logging.getLogger("httpx").exception("failed")

    # (The traceback quotes this test's own source line, hence no check for "inpBsn".)
    assert f"ValueError: cannot reach {ZAKEN_URL}\n" in caplog.text
    assert BSN not in caplog.text


def test_uvicorn_access_args_keep_their_shape_for_its_formatter(caplog, monkeypatch):
    # A uvicorn started earlier in the session may have quietened this logger.
    monkeypatch.setattr(logging.getLogger("uvicorn.access"), "propagate", True)
    caplog.set_level(logging.INFO, logger="uvicorn.access")
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:50000",
        "GET",
        f"/api/v1/doelen?bsn={BSN}",
        "1.1",
        200,
    )

    record = caplog.records[0]
    line = AccessFormatter("%(request_line)s %(status_code)s", use_colors=False).format(record)
    assert line == "GET /api/v1/doelen HTTP/1.1 200 OK"


def test_install_redaction_is_idempotent():
    install_redaction()
    install_redaction()

    for name in REDACTED_LOGGERS:
        filters = logging.getLogger(name).filters
        assert sum(isinstance(f, RedactionFilter) for f in filters) == 1, name


def test_an_unrenderable_record_loses_its_arguments_not_its_line(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("httpx").info("two %s %s", BSN)

    assert caplog.records[0].getMessage() == "two %s %s"
