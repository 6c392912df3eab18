"""Log lines: one JSON object each, trace ids inside a span, whitelisted extras only."""

from __future__ import annotations

import json
import logging
import re

import pytest
from opentelemetry.sdk.trace import TracerProvider

from facade.observability import ObservabilitySettings, setup_logging
from tests.observability.conftest import BSN

log = logging.getLogger("facade.test")


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def test_a_json_line_has_time_level_logger_and_message(capsys):
    setup_logging(ObservabilitySettings())
    log.warning("register %s slow", "brp")

    (line,) = lines(capsys)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line.pop("time"))
    assert line == {"level": "WARNING", "logger": "facade.test", "message": "register brp slow"}


def test_a_json_line_inside_a_span_carries_its_trace_and_span_id(capsys):
    setup_logging(ObservabilitySettings())
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("klantbeeld") as span:
        log.info("inside")

    (line,) = lines(capsys)
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert line["span_id"] == format(span.get_span_context().span_id, "016x")


def test_only_whitelisted_extras_reach_the_line(capsys):
    setup_logging(ObservabilitySettings())
    log.error("failed", extra={"bron": "brp", "error": "KeyError", "body": {"bsn": BSN}})

    (line,) = lines(capsys)
    assert line["bron"] == "brp"
    assert line["error"] == "KeyError"
    assert "body" not in line


def test_the_root_handler_redacts_records_of_any_logger(capsys):
    setup_logging(ObservabilitySettings())
    log.info("asked for %s", BSN, extra={"path": f"/personen/{BSN}"})

    (line,) = lines(capsys)
    assert line["message"] == "asked for [bsn]"
    assert line["path"] == "/personen/[bsn]"


def test_setup_logging_twice_keeps_one_handler(capsys):
    setup_logging(ObservabilitySettings())
    setup_logging(ObservabilitySettings())
    log.info("once")

    assert len(lines(capsys)) == 1


def test_the_level_setting_drops_lower_records(capsys):
    setup_logging(ObservabilitySettings(log_level="warning"))
    log.info("not shown")

    assert lines(capsys) == []


def test_text_format_is_one_readable_line(capsys):
    setup_logging(ObservabilitySettings(log_format="text"))
    log.info("started", extra={"bron": "brp"})

    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith("INFO    facade.test: started bron=brp")
