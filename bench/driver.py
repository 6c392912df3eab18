"""Closed-loop load on the façade, from a process of its own.

    python -m bench.driver '{"url": …, "token": …, "doel": …, "bsns": [...],
                             "concurrency": 16, "duration": 5, "warmup": 1,
                             "max_requests": 100000, "cpu": 1}'

N workers each send `POST /api/v1/klantbeeld` and, as soon as the answer is
read, the next one (aiohttp on uvloop, one kept-alive connection per worker).
Requests started during the warm-up are not counted; no request starts after
warm-up + duration (extended, by at most max_extra seconds, until each worker
has had one counted request: min_requests) or after max_requests. Prints one JSON object: latencies
(seconds) of the counted requests, the measuring window, statuses, errors, and
how many 200 answers were degraded (a register `fout`/`timeout`/`afgekapt`).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from typing import Any

import aiohttp

REQUEST_TIMEOUT_SECONDS = 30


async def drive(spec: dict[str, Any]) -> dict[str, Any]:
    concurrency = int(spec["concurrency"])
    plain_get = spec.get("get_url")  # bench/transports.py: GET this, nothing else
    if plain_get:
        url, method, headers, payloads = plain_get, "GET", {}, [b""]
    else:
        url, method = spec["url"].rstrip("/") + "/api/v1/klantbeeld", "POST"
        headers = {
            "Authorization": f"Bearer {spec['token']}",
            "X-Doelbinding": spec["doel"],
            "Content-Type": "application/json",
        }
        # Round robin over the persons: concurrent requests ask for different persons,
        # as real traffic does (the façade's single flight would otherwise merge them).
        payloads = [json.dumps({"burgerservicenummer": b}).encode() for b in spec["bsns"]]
    turn = 0
    max_requests = int(spec.get("max_requests", 1_000_000))
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    started = 0
    degraded = 0

    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        now = time.perf_counter
        measure_from = now() + float(spec.get("warmup", 1.0))
        stop_at = measure_from + float(spec["duration"])
        # Slow cells (200 zaken at c=64 take seconds per request): keep going until
        # every worker has had a counted request, but never past the hard stop.
        min_requests = int(spec.get("min_requests", concurrency))
        hard_stop = stop_at + float(spec.get("max_extra", 20.0))

        async def worker() -> None:
            nonlocal started, degraded, turn
            while started < max_requests:
                begin = now()
                if begin >= hard_stop or (begin >= stop_at and started >= min_requests):
                    return
                counted = begin >= measure_from
                if counted:
                    started += 1
                payload = payloads[turn % len(payloads)]
                turn += 1
                try:
                    async with session.request(
                        method, url, data=payload or None, headers=headers
                    ) as answer:
                        body = await answer.read()
                        status = answer.status
                except (aiohttp.ClientError, TimeoutError) as exc:
                    errors[type(exc).__name__] += 1
                    continue
                if counted:
                    latencies.append(now() - begin)
                    statuses[status] += 1
                    if status == 200 and not plain_get and _degraded(body):
                        degraded += 1

        async def sample_at_start() -> None:
            await asyncio.sleep(max(0.0, measure_from - now()))
            cpu_start.update(cpu_sample(spec))

        cpu_start: dict[str, float] = {}
        await asyncio.gather(sample_at_start(), *(worker() for _ in range(concurrency)))
        ended = now()
        cpu_end = cpu_sample(spec)
    return {
        "latencies": latencies,
        "window": ended - measure_from,
        "statuses": {str(k): v for k, v in statuses.items()},
        "errors": dict(errors),
        "degraded": degraded,
        # Share of one core used during the window, per watched process or core.
        "cpu": {
            k: (cpu_end[k] - v) / max(1e-9, cpu_end["_wall"] - cpu_start["_wall"])
            for k, v in cpu_start.items()
            if k != "_wall" and k in cpu_end
        },
    }


def cpu_sample(spec: dict[str, Any]) -> dict[str, float]:
    """CPU seconds so far of the watched processes and cores (Linux /proc), with a wall clock."""
    sample = {"_wall": time.perf_counter(), "driver": time.process_time()}
    ticks = os.sysconf("SC_CLK_TCK")
    for name, pid in spec.get("watch_pids", {}).items():
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        sample[name] = (int(fields[11]) + int(fields[12])) / ticks
    cores = spec.get("watch_cores", [])
    if cores:
        with open("/proc/stat") as stat:
            for line in stat:
                name, *values = line.split()
                if name[3:].isdigit() and int(name[3:]) in cores:
                    numbers = [int(v) for v in values]
                    busy = sum(numbers) - numbers[3] - numbers[4]
                    sample[f"core{name[3:]}"] = busy / ticks
    return sample


def _degraded(body: bytes) -> bool:
    """An answer with a register that failed, timed out or was cut short."""
    try:
        bronnen = json.loads(body)["bronnen"]
    except (ValueError, KeyError, TypeError):
        return True
    return any(b.get("status") in ("fout", "timeout") or b.get("afgekapt") for b in bronnen)


def main() -> None:
    spec = json.loads(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read())
    if spec.get("cpu") is not None:
        os.sched_setaffinity(0, {int(spec["cpu"])})
    import uvloop

    result = uvloop.run(drive(spec))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
