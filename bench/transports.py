"""The HTTP layer, compared: httpx's own transport, the façade's transport seam, aiohttp directly.

    python -m bench.transports [--duration 4] [--overload 4] [--latency 0.01]
                               [--clients httpx,facade,aiohttp]

For each client, a minimal Starlette app on uvicorn (one worker, its own
process, core 0) answers `GET /fanout` by making 6 parallel GETs to a local
server (a bare ASGI app on uvicorn, its own process, core 1, `--latency`
seconds per answer) with that client (one pooled client, 100 connections, as
the façade's registers have). A closed-loop driver (bench/driver.py, core 1)
loads it in three phases: concurrency 16, an overload of 256, and 16 again.
Per phase: throughput (Little's law), p50 and p99, failed requests. The third
phase shows whether a client recovers from the overload.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

from bench.scenario import ROOT

# `facade`: connectors/aiohttp_transport.py, the production transport, through the
# seam every connector uses (Request in, Response with the whole body out).
CLIENTS = ("httpx", "facade", "aiohttp")
FANOUT = 6
POOL = 100


# -- the local server the app fans out to ---------------------------------------------------
def upstream_app(latency: float) -> Any:
    body = json.dumps({"url": "http://upstream/item", "value": 42, "tekst": "x" * 400}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if latency > 0:
            await asyncio.sleep(latency)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


# -- the app under test ---------------------------------------------------------------------
def fanout_app(client_name: str, upstream: str) -> Any:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    urls = [f"{upstream}/item/{i}" for i in range(FANOUT)]
    state: dict[str, Any] = {}

    async def get_httpx(url: str) -> Any:
        answer = await state["client"].get(url)
        answer.raise_for_status()
        return answer.json()

    async def get_aiohttp(url: str) -> Any:
        async with state["client"].get(url) as answer:
            answer.raise_for_status()
            return json.loads(await answer.read())

    async def get_facade(url: str) -> Any:
        from connectors.transport import Request

        answer = await state["client"].send(
            Request("GET", url, {"Accept": "application/json"}), max_bytes=1 << 20
        )
        if answer.status != 200:
            raise RuntimeError(answer.status)
        return json.loads(answer.content)

    get = {"aiohttp": get_aiohttp, "facade": get_facade}.get(client_name, get_httpx)

    async def fanout(request: Any) -> Any:
        results = await asyncio.gather(*(get(url) for url in urls))
        return JSONResponse({"sum": sum(r["value"] for r in results)})

    async def startup() -> None:
        import httpx

        limits = httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL)
        if client_name == "httpx":
            state["client"] = httpx.AsyncClient(limits=limits, timeout=10.0, trust_env=False)
        elif client_name == "facade":
            from connectors.aiohttp_transport import AiohttpTransport

            state["client"] = AiohttpTransport(max_connections=POOL, timeout_seconds=10.0)
        else:
            import aiohttp

            state["client"] = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=POOL),
                timeout=aiohttp.ClientTimeout(total=10.0),
            )

    async def shutdown() -> None:
        client = state.get("client")
        if client is not None:
            await (client.close() if client_name == "aiohttp" else client.aclose())

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        await startup()
        try:
            yield
        finally:
            await shutdown()

    return Starlette(routes=[Route("/fanout", fanout)], lifespan=lifespan)


# -- processes ------------------------------------------------------------------------------
def start(args: list[str]) -> subprocess.Popen[bytes]:
    # stderr to a file, not a pipe: a server logging under overload must never block.
    log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.transports", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
    )
    process.log = log  # type: ignore[attr-defined]
    return process


def first_line(process: subprocess.Popen[bytes], timeout: float = 20) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    line = process.stdout.readline().decode().strip() if ready else ""
    if not line:
        process.kill()
        process.wait(timeout=5)
        log = process.log  # type: ignore[attr-defined]
        log.seek(0)
        raise SystemExit(f"a benchmark server did not start:\n{log.read().decode()[-2000:]}")
    return line


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def serve(app: Any, port: int, cpu: int | None) -> None:
    import uvicorn

    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, access_log=False, log_level="warning", backlog=4096
    )
    server = uvicorn.Server(config)

    async def run() -> None:
        task = asyncio.create_task(server.serve())
        for _ in range(500):
            if server.started or task.done():
                break
            await asyncio.sleep(0.02)
        print(server.servers[0].sockets[0].getsockname()[1], flush=True)
        await task

    import uvloop

    uvloop.run(run())


def phase(url: str, concurrency: int, duration: float, cpu: int | None) -> dict[str, Any]:
    spec = {
        "get_url": url,
        "concurrency": concurrency,
        "duration": duration,
        "warmup": 0.5,
        "cpu": cpu,
        "max_extra": 10.0,
    }
    answer = subprocess.run(
        [sys.executable, "-m", "bench.driver", json.dumps(spec)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    if answer.returncode != 0:
        raise SystemExit(f"driver failed: {answer.stderr.decode()[-2000:]}")
    result = json.loads(answer.stdout)
    latencies = sorted(s * 1000 for s in result["latencies"])
    ok = result["statuses"].get("200", 0)
    failed = sum(result["errors"].values()) + len(latencies) - ok
    n = len(latencies)
    return {
        "rps": concurrency / (statistics.fmean(latencies) / 1000) * ok / n if n else 0.0,
        "p50": latencies[n // 2] if n else float("nan"),
        "p99": latencies[min(n - 1, int(0.99 * n))] if n else float("nan"),
        "failed": failed,
        "n": n,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per c=16 phase")
    parser.add_argument("--overload", type=float, default=4.0, help="seconds at c=256")
    parser.add_argument("--latency", type=float, default=0.01, help="upstream seconds per GET")
    parser.add_argument("--serve-upstream", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve-app", help=argparse.SUPPRESS)
    parser.add_argument("--upstream", help=argparse.SUPPRESS)
    parser.add_argument("--cpu", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve_upstream:
        serve(upstream_app(args.latency), 0, args.cpu)
        return 0
    if args.serve_app:
        serve(fanout_app(args.serve_app, args.upstream), 0, args.cpu)
        return 0

    clients = [c for c in args.clients.split(",") if c]
    if unknown := sorted(set(clients) - set(CLIENTS)):
        parser.error(f"unknown clients {unknown}; known: {', '.join(CLIENTS)}")
    pin = (os.cpu_count() or 1) >= 2
    app_cpu, other_cpu = (0, 1) if pin else (None, None)
    cpu_args = ["--cpu", str(other_cpu)] if pin else []
    upstream = start(["--serve-upstream", "--latency", str(args.latency), *cpu_args])
    try:
        upstream_url = f"http://127.0.0.1:{first_line(upstream)}"
        print(
            f"6 parallel GETs per request to a local server ({args.latency * 1000:g} ms each); "
            f"pool {POOL}; phases c=16 {args.duration:g} s, c=256 {args.overload:g} s, "
            f"c=16 {args.duration:g} s",
            flush=True,
        )
        print(
            f"{'client':14s} | {'c=16 req/s':>10s} {'p50':>7s} {'p99':>7s} {'fail':>5s} |"
            f" {'c=256 req/s':>11s} {'p50':>7s} {'p99':>7s} {'fail':>5s} |"
            f" {'after req/s':>11s} {'p50':>7s} {'p99':>7s} {'fail':>5s}",
            flush=True,
        )
        for client in clients:
            app_cpu_args = ["--cpu", str(app_cpu)] if pin else []
            app = start(["--serve-app", client, "--upstream", upstream_url, *app_cpu_args])
            try:
                url = f"http://127.0.0.1:{first_line(app)}/fanout"
                with urllib.request.urlopen(url, timeout=10) as answer:  # warm, and check
                    assert json.loads(answer.read())["sum"] == 42 * FANOUT
                phases = [
                    phase(url, 16, args.duration, other_cpu),
                    phase(url, 256, args.overload, other_cpu),
                    phase(url, 16, args.duration, other_cpu),
                ]
            finally:
                stop(app)
            cells = " | ".join(
                f"{p['rps']:{w}.0f} {p['p50']:7.1f} {p['p99']:7.1f} {p['failed']:5d}"
                for p, w in zip(phases, (10, 11, 11), strict=True)
            )
            print(f"{client:14s} | {cells}", flush=True)
            time.sleep(0.5)
    finally:
        stop(upstream)
    return 0


if __name__ == "__main__":
    sys.exit(main())
