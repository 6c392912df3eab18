"""Where a klantbeeld's CPU goes: a py-spy profile (raw, collapsed stacks) by layer.

    python -m bench.where bench/profiles/after-zero-25-c16.txt.gz [--cpu-ms 13.6]

Each sample is given to the layer of the innermost frame that belongs to one
(so JSON decoding inside an upstream call counts as JSON, aiohttp inside it as
the upstream call). With `--cpu-ms` (the bench's cpu/kb of that cell) the
shares are also shown as milliseconds per klantbeeld. Idle worker threads
(waiting for the next audit write) are left out: they use no CPU.
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections import Counter
from pathlib import Path

# Innermost match wins; order only matters for a frame matching two layers.
LAYERS: list[tuple[str, re.Pattern[str]]] = [
    ("JSON (answers in, view out)", re.compile(r"connectors/decoding\.py|ViewResponse|json/")),
    ("caller auth (JWT)", re.compile(r"facade/callers\.py|/jwt/|cryptography")),
    ("plan", re.compile(r"policies/plan\.py")),
    ("audit record (protocollering)", re.compile(r"facade/protocollering/")),
    (
        "merge, filter, projection",
        re.compile(r"facade/view\.py|policies/projection\.py|policies/filters\.py|_view \("),
    ),
    ("metrics", re.compile(r"opentelemetry/sdk/metrics|facade/metrics\.py")),
    ("tracing", re.compile(r"opentelemetry/(sdk/)?trace|connectors/tracing\.py")),
    (
        "upstream calls (connectors, aiohttp)",
        re.compile(r"connectors/|/aiohttp/|/yarl/|/multidict/|facade/fanout\.py|facade/klantbeeld"),
    ),
    (
        "incoming HTTP, middleware, routing",
        re.compile(
            r"/uvicorn/|/starlette/|/h11/|facade/middleware\.py|facade/observability/|"
            r"facade/routes\.py|facade/validation\.py|/logging/"
        ),
    ),
    ("event loop", re.compile(r"asyncio/|uvloop|selectors\.py")),
]
IDLE = re.compile(r"_worker \(.*concurrent/futures/thread\.py:\d+\)$")


def layer_of(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, pattern in LAYERS:
            if pattern.search(frame):
                return name
    return "other"


def shares(path: Path) -> tuple[Counter[str], int]:
    counts: Counter[str] = Counter()
    total = 0
    text = gzip.decompress(path.read_bytes()).decode() if path.suffix == ".gz" else path.read_text()
    for line in text.splitlines():
        stack, _, number = line.rpartition(" ")
        frames = stack.split(";")
        if not number.isdigit() or IDLE.search(frames[-1]):
            continue
        counts[layer_of(frames)] += int(number)
        total += int(number)
    return counts, total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("profile", type=Path, help="py-spy raw output (BENCH_FACADE_PYSPY=x.txt)")
    parser.add_argument("--cpu-ms", type=float, help="CPU ms per klantbeeld of that cell")
    args = parser.parse_args()
    counts, total = shares(args.profile)
    if not total:
        raise SystemExit(f"{args.profile}: no samples")
    print(f"{args.profile.name}: {total} samples")
    for name, number in counts.most_common():
        share = number / total
        ms = f"  {share * args.cpu_ms:5.2f} ms" if args.cpu_ms else ""
        print(f"  {share * 100:5.1f}%{ms}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
