"""The sinks: JSON lines to a file (fsync'ed, group-committed), stdout, OTLP/HTTP."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from facade.protocollering.lines import FileSink, StdoutSink
from facade.protocollering.otlp import FAILED_WRITE_UNREADY_SECONDS, OtlpSink
from facade.protocollering.pseudonym import Pseudonymizer, PseudonymKey
from facade.protocollering.sink import AUDIT_SPAN, PROCESSING_SPAN, SinkError

ENDPOINT = "https://collector.example/v1/traces"
ROOT = Path(__file__).resolve().parents[2]


def batch() -> list[ReadableSpan]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span(PROCESSING_SPAN) as processing:
        processing.set_attribute("dpl.core.data_subject_id", "ab" * 32)
        with tracer.start_as_current_span(AUDIT_SPAN) as audit:
            audit.set_attribute("klantbeeld.velden", ["klant.naam"])
    spans = list(exporter.get_finished_spans())
    return [spans[1], spans[0]]


async def test_the_file_sink_writes_one_json_object_per_record_and_fsyncs(tmp_path: Path) -> None:
    path = tmp_path / "log" / "protocollering.jsonl"
    sink = FileSink(path)
    await sink.write(batch())
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["record"] for r in records] == ["dataverwerking", "audit"]
    assert set(records[0]) == {
        "record", "trace_id", "span_id", "parent_span_id", "name", "start_time", "end_time",
        "status_code", "attributes", "resource",
    }  # fmt: skip
    assert records[1]["parent_span_id"] == records[0]["span_id"]
    assert records[0]["attributes"]["dpl.core.data_subject_id"] == "ab" * 32
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    await sink.aclose()


async def test_concurrent_writes_share_fsyncs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fsyncs = 0
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        nonlocal fsyncs
        fsyncs += 1
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    sink = FileSink(tmp_path / "p.jsonl")
    await asyncio.gather(*(sink.write(batch()) for _ in range(50)))
    assert len((tmp_path / "p.jsonl").read_text().splitlines()) == 100
    assert fsyncs < 50
    await sink.aclose()


async def test_a_file_that_cannot_be_written_fails_every_waiting_write(tmp_path: Path) -> None:
    blocker = tmp_path / "geen-map"
    blocker.write_text("een bestand, geen map")
    sink = FileSink(blocker / "p.jsonl")
    with pytest.raises(SinkError) as info:
        await sink.write(batch())
    assert "could not write" in str(info.value)
    assert await sink.ready() is False
    await sink.aclose()


async def test_the_stdout_sink_writes_the_same_lines() -> None:
    stream = io.StringIO()
    sink = StdoutSink(stream)
    await sink.write(batch())
    assert [json.loads(line)["record"] for line in stream.getvalue().splitlines()] == [
        "dataverwerking",
        "audit",
    ]
    await sink.aclose()


# --- several workers, one file or one standard output -----------------------------------

# One worker process: writes its batches through a sink of the kind given, with every
# write() cut short (at most 512 bytes, then the other processes get the CPU), as a
# nearly full disk or a full pipe can do. Each line says who wrote it, in which batch.
WRITER = """
import json, os, sys
from pathlib import Path
from facade.protocollering.lines import FileSink, StdoutSink

kind, target, worker, shared = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
real_write = os.write

def short_write(fd, data):
    written = real_write(fd, bytes(data[:512]))
    os.sched_yield()
    return written

os.write = short_write

class ShortStdout:
    def fileno(self):
        return 1
    def flush(self):
        pass
    @property
    def buffer(self):
        return self
    def write(self, data):
        view = memoryview(data)
        while view:
            view = view[short_write(1, view):]

if kind == "file":
    sink = FileSink(Path(target), shared=shared)
else:
    sink = StdoutSink(ShortStdout(), shared=shared)
for batch in range(20):
    lines = [
        json.dumps({"worker": worker, "batch": batch, "line": n, "pad": "x" * 5000}) + "\\n"
        for n in range(3)
    ]
    sink._persist("".join(lines).encode())
"""


def run_writers(
    kind: str, target: str, shared: bool, **popen: Any
) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, kind, target, str(worker), "1" if shared else "0"],
            cwd=ROOT,
            **popen,
        )
        for worker in range(4)
    ]


def assert_whole_and_contiguous(text: str) -> None:
    records = [json.loads(line) for line in text.splitlines()]  # a mixed line fails here
    assert len(records) == 4 * 20 * 3
    # Each batch's lines follow each other: no other worker's record between them.
    for first in range(0, len(records), 3):
        batch = records[first : first + 3]
        assert [r["line"] for r in batch] == [0, 1, 2]
        assert len({(r["worker"], r["batch"]) for r in batch}) == 1


def test_workers_appending_to_one_file_never_mix_their_records(tmp_path: Path) -> None:
    path = tmp_path / "protocollering.jsonl"
    for writer in run_writers("file", str(path), shared=True):
        assert writer.wait(timeout=30) == 0
    assert_whole_and_contiguous(path.read_text(encoding="utf-8"))


def test_workers_writing_to_one_standard_output_never_mix_their_records() -> None:
    read, write = os.pipe()
    writers = run_writers("stdout", "-", shared=True, stdout=write)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        output = pipe.read()
    for writer in writers:
        assert writer.wait(timeout=30) == 0
    assert_whole_and_contiguous(output.decode())


def test_one_worker_takes_no_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_locks(*args: object) -> None:
        raise AssertionError("a lock was taken")

    monkeypatch.setattr(fcntl, "lockf", no_locks)
    FileSink(tmp_path / "p.jsonl")._persist(b"{}\n")
    StdoutSink(io.StringIO())._persist(b"{}\n")
    assert (tmp_path / "p.jsonl").read_bytes() == b"{}\n"


async def test_a_shared_sink_whose_lock_fails_confirms_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_lock_service(*args: object) -> None:
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "lockf", no_lock_service)
    sink = FileSink(tmp_path / "p.jsonl", shared=True)
    with pytest.raises(SinkError, match="could not write"):
        await sink.write(batch())
    assert await sink.ready() is False
    await sink.aclose()


def test_checking_the_lock_creates_no_file(tmp_path: Path) -> None:
    path = tmp_path / "log" / "p.jsonl"
    assert FileSink(path, shared=True).lock_problem() is None
    assert not path.parent.exists()
    path.parent.mkdir()
    path.write_bytes(b"")
    assert FileSink(path, shared=True).lock_problem() is None


def test_an_output_that_cannot_be_locked_says_why() -> None:
    problem = StdoutSink(io.StringIO(), shared=True).lock_problem()
    assert problem is not None and problem.startswith("standard output cannot be locked")


def otlp_sink() -> OtlpSink:
    return OtlpSink(ENDPOINT, httpx.AsyncClient())


@respx.mock
async def test_the_otlp_sink_posts_protobuf_and_accepts_a_clean_2xx() -> None:
    route = respx.post(ENDPOINT).mock(return_value=httpx.Response(200))
    await otlp_sink().write(batch())
    request = route.calls.last.request
    assert request.headers["content-type"] == "application/x-protobuf"
    sent = ExportTraceServiceRequest()
    sent.ParseFromString(request.content)
    names = [s.name for r in sent.resource_spans for ss in r.scope_spans for s in ss.spans]
    assert names == [PROCESSING_SPAN, AUDIT_SPAN]


@respx.mock
async def test_rejected_spans_in_a_partial_success_are_no_confirmation() -> None:
    answer = ExportTraceServiceResponse()
    answer.partial_success.rejected_spans = 1
    respx.post(ENDPOINT).mock(
        return_value=httpx.Response(
            200,
            content=answer.SerializeToString(),
            headers={"Content-Type": "application/x-protobuf"},
        )
    )
    with pytest.raises(SinkError, match="rejected 1 span"):
        await otlp_sink().write(batch())


@respx.mock
async def test_after_rejected_spans_the_otlp_sink_is_not_ready_though_empty_exports_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer = ExportTraceServiceResponse()
    answer.partial_success.rejected_spans = 2
    rejecting = httpx.Response(
        200, content=answer.SerializeToString(), headers={"Content-Type": "application/x-protobuf"}
    )
    respx.post(ENDPOINT).mock(return_value=rejecting)
    sink = otlp_sink()
    with pytest.raises(SinkError):
        await sink.write(batch())

    assert await sink.ready() is False  # /readyz turns 503, as the README says

    clock = time.monotonic() + FAILED_WRITE_UNREADY_SECONDS + 1
    monkeypatch.setattr("facade.protocollering.otlp.time.monotonic", lambda: clock)
    respx.post(ENDPOINT).mock(return_value=httpx.Response(200))
    assert await sink.ready() is True  # a collector healthy again gets traffic back


@respx.mock
@pytest.mark.parametrize("response", [httpx.Response(503), httpx.ConnectError("weg")])
async def test_an_unavailable_collector_is_no_confirmation(response: object) -> None:
    route = respx.post(ENDPOINT)
    if isinstance(response, Exception):
        route.mock(side_effect=response)
    else:
        route.mock(return_value=response)
    with pytest.raises(SinkError):
        await otlp_sink().write(batch())


@respx.mock
async def test_otlp_readiness_sends_an_empty_export_request() -> None:
    route = respx.post(ENDPOINT).mock(return_value=httpx.Response(200))
    assert await otlp_sink().ready() is True
    assert route.calls.last.request.content == b""


def test_pseudonyms_are_keyed_stable_and_differ_per_key() -> None:
    old = PseudonymKey("2025", b"k" * 32)
    new = PseudonymKey("2026", b"n" * 32)
    pseudonymizer = Pseudonymizer(new, [old])
    value = pseudonymizer.pseudonym("999993653")
    assert value == pseudonymizer.pseudonym("999993653")
    assert len(value) == 64 and "999993653" not in value
    assert Pseudonymizer(old).pseudonym("999993653") != value
    assert pseudonymizer.all_pseudonyms("999993653") == {
        "2026": value,
        "2025": Pseudonymizer(old).pseudonym("999993653"),
    }
    assert "k" * 32 not in repr(old)
