"""The cost of the synchronous protocollering write, per request, on the file sink.

    python -m bench.audit [--requests 2000]

Writes the records of one klantbeeld (processing span + audit span, built the
way the façade builds them) through the real AuditTrail and FileSink, and waits
for the fsync'ed confirmation, as a request does: first one at a time, then
with 16 and 64 requests in flight (where group commit shares fsyncs).
Prints median, p95 and p99 per confirmed request.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from facade.protocollering.lines import FileSink
from facade.protocollering.pseudonym import Pseudonymizer, PseudonymKey
from facade.protocollering.trail import AuditTrail

HEADERS = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
FIELDS = [f"klant.naam.veld{i}" for i in range(30)]


async def one(trail: AuditTrail) -> float:
    start = time.perf_counter()
    processing = trail.start(HEADERS, client_id="bench")
    processing.caller(client_id="bench", subject="medewerker", issuer="https://idp")
    processing.subject("999993653")
    processing.activity("https://register.example/va/1")
    processing.doel(doel_id="kcc", naam="KCC", grondslag="AVG 6.1.e", beleidsversie="sha256:x")
    processing.consulted([{"bron": "brp", "status": "ok"}, {"bron": "zaken", "status": "ok"}])
    processing.delivered(FIELDS)
    await processing.finish(200)
    return time.perf_counter() - start


async def run(concurrency: int, requests: int, directory: Path) -> list[float]:
    sink = FileSink(directory / f"bench-{concurrency}.jsonl")
    key = PseudonymKey("bench", b"b" * 32)
    trail = AuditTrail(sink, Pseudonymizer(key), deadline_seconds=10)
    timings: list[float] = []
    semaphore = asyncio.Semaphore(concurrency)

    async def limited() -> None:
        async with semaphore:
            timings.append(await one(trail))

    await asyncio.gather(*(limited() for _ in range(requests)))
    await sink.aclose()
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        print("concurrency  requests  median ms  p95 ms  p99 ms  confirmed/s")
        for concurrency in (1, 16, 64):
            started = time.perf_counter()
            timings = asyncio.run(run(concurrency, args.requests, Path(directory)))
            elapsed = time.perf_counter() - started
            median = statistics.median(timings) * 1000
            p95, p99 = percentile(timings, 0.95) * 1000, percentile(timings, 0.99) * 1000
            print(
                f"{concurrency:11d}  {len(timings):8d}  {median:9.2f}  {p95:6.2f}  {p99:6.2f}"
                f"  {len(timings) / elapsed:11.0f}"
            )


if __name__ == "__main__":
    main()
