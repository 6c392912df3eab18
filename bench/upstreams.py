"""The simulated registers as a real HTTP server in a process of their own.

    python -m bench.upstreams [--sizes 0,3,25,200] [--profile issue] [--no-replay] [--cpu 1]

Serves the demo registers (klantbeeld_demo/registers) with 64 synthetic persons per size on
127.0.0.1, a free port, with uvicorn (uvloop, httptools), and prints one JSON
line on standard output: {"port": …, "bsns": {"<size>": ["<bsn>", …]}}. Runs until
SIGTERM/SIGINT or until standard input closes.

Beside the registers, under /__bench:
  PUT  /__bench/latency   body {"endpoint.name": seconds, …}: the profile, replaced in place
  GET  /__bench/calls     calls per endpoint name since the last read (and resets the count)

Replay (default on): the registers are deterministic, so the answer to a
request (method, path, query, body, Host) is computed once by the real app and
replayed afterwards, after the same injected latency, to callers whose
credentials the real app has accepted before (a new token goes through the
full app once). The simulated registers then cost the machine little CPU: on
a 2-core box they share a core with the load driver, and the benchmark is
meant to measure the façade, not the Starlette app that imitates Open Zaak.
`--no-replay` serves every request through the full app.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import sys
from collections import Counter
from typing import Any

import uvicorn

from bench.profiles import PROFILES
from bench.scenario import PERSONS_PER_SIZE, SIZES, persons
from klantbeeld_demo.registers import DEMO_BRP_API_KEY, build_demo_data, create_registers_app

# Method + path → the endpoint name that prices it (ENDPOINT_NAMES in
# klantbeeld_demo/registers/app.py).
_UUID = r"[^/]+"
_ENDPOINTS: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(r"/haalcentraal/api/brp/personen"), "brp.personen"),
    ("GET", re.compile(r"/zaken/api/v1/zaken"), "zaken.list"),
    ("GET", re.compile(rf"/zaken/api/v1/zaken/{_UUID}"), "zaken.zaak"),
    ("GET", re.compile(r"/zaken/api/v1/statussen"), "zaken.statussen"),
    ("GET", re.compile(rf"/zaken/api/v1/statussen/{_UUID}"), "zaken.status"),
    ("GET", re.compile(r"/zaken/api/v1/rollen"), "zaken.rollen"),
    ("GET", re.compile(rf"/zaken/api/v1/rollen/{_UUID}"), "zaken.rol"),
    ("GET", re.compile(r"/catalogi/api/v1/zaaktypen"), "catalogi.zaaktypen"),
    ("GET", re.compile(rf"/catalogi/api/v1/zaaktypen/{_UUID}"), "catalogi.zaaktype"),
    ("GET", re.compile(rf"/catalogi/api/v1/statustypen/{_UUID}"), "catalogi.statustype"),
    ("GET", re.compile(rf"/catalogi/api/v1/roltypen/{_UUID}"), "catalogi.roltype"),
    ("GET", re.compile(r"/klanten/api/v1/klanten"), "klanten.list"),
    ("GET", re.compile(rf"/klanten/api/v1/klanten/{_UUID}"), "klanten.klant"),
    ("GET", re.compile(r"/contactmomenten/api/v1/contactmomenten"), "contactmomenten.list"),
    (
        "GET",
        re.compile(rf"/contactmomenten/api/v1/contactmomenten/{_UUID}"),
        "contactmomenten.contactmoment",
    ),
    (
        "GET",
        re.compile(r"/contactmomenten/api/v1/klantcontactmomenten"),
        "contactmomenten.klantcontactmomenten",
    ),
    (
        "GET",
        re.compile(rf"/contactmomenten/api/v1/klantcontactmomenten/{_UUID}"),
        "contactmomenten.klantcontactmoment",
    ),
    (
        "GET",
        re.compile(r"/contactmomenten/api/v1/objectcontactmomenten"),
        "contactmomenten.objectcontactmomenten",
    ),
    (
        "GET",
        re.compile(rf"/contactmomenten/api/v1/objectcontactmomenten/{_UUID}"),
        "contactmomenten.objectcontactmoment",
    ),
]
_AUTH_HEADERS = (b"authorization", b"x-api-key")
MAX_REPLAY_ENTRIES = 50_000  # distinct requests; far more than one run makes


def endpoint_name(method: str, path: str) -> str | None:
    for verb, pattern, name in _ENDPOINTS:
        if verb == method and pattern.fullmatch(path):
            return name
    return None


class BenchUpstream:
    """ASGI wrapper: counts calls per endpoint, replays answers, serves /__bench."""

    def __init__(self, app: Any, latency: dict[str, float], replay: bool) -> None:
        self.app = app
        self.latency = latency  # the registers app's own dict: changed in place
        self.replay = replay
        self.calls: Counter[str] = Counter()
        self._answers: dict[tuple[Any, ...], tuple[int, list[Any], bytes]] = {}
        # Credentials the full app has accepted (a 200): a replay needs one of these.
        self._accepted: set[tuple[bytes | None, ...]] = set()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path: str = scope["path"]
        if path.startswith("/__bench/"):
            return await self._admin(scope, receive, send)
        method: str = scope["method"]
        name = endpoint_name(method, path) or "other"
        self.calls[name] += 1
        body = await _read_body(receive)
        replayable = self.replay and b"expand" not in scope["query_string"]
        key: tuple[Any, ...] = ()
        credentials: tuple[bytes | None, ...] = ()
        if replayable:
            headers = dict(scope["headers"])
            key = (method, path, scope["query_string"], body, headers.get(b"host"))
            credentials = tuple(headers.get(h) for h in _AUTH_HEADERS)
            answer = self._answers.get(key) if credentials in self._accepted else None
            if answer is not None:
                delay = self.latency.get(name, 0.0)
                if delay > 0:
                    await asyncio.sleep(delay)
                status, response_headers, content = answer
                await send(
                    {"type": "http.response.start", "status": status, "headers": response_headers}
                )
                await send({"type": "http.response.body", "body": content})
                return None

        sent: list[dict[str, Any]] = []

        async def replay_receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: dict[str, Any]) -> None:
            sent.append(message)
            await send(message)

        await self.app(scope, replay_receive, capture if replayable else send)
        if replayable and len(self._answers) < MAX_REPLAY_ENTRIES:
            start = next((m for m in sent if m["type"] == "http.response.start"), None)
            if start is not None and start["status"] == 200:
                self._accepted.add(credentials)
                content = b"".join(
                    m.get("body", b"") for m in sent if m["type"] == "http.response.body"
                )
                self._answers[key] = (200, list(start.get("headers", [])), content)
        return None

    async def _admin(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = await _read_body(receive)
        if scope["path"] == "/__bench/latency" and scope["method"] == "PUT":
            latency = json.loads(body or b"{}")
            self.latency.clear()
            self.latency.update({k: float(v) for k, v in latency.items()})
            answer: Any = {"latency": self.latency}
        elif scope["path"] == "/__bench/calls" and scope["method"] == "GET":
            answer = dict(self.calls)
            self.calls.clear()
        else:
            answer = {"error": "unknown"}
        content = json.dumps(answer).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": content})


async def _read_body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--profile", default="zero", help="initial profile (zero: no latency)")
    parser.add_argument("--no-replay", action="store_true", help="serve every request in full")
    parser.add_argument("--cpu", type=int, help="pin this process to one CPU")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--per-size", type=int, default=PERSONS_PER_SIZE, help="persons per size")
    args = parser.parse_args()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})

    sizes = tuple(int(s) for s in args.sizes.split(",") if s)
    people = persons(sizes, args.per_size)
    registers = create_registers_app(
        build_demo_data([p for group in people.values() for p in group]),
        latency=PROFILES.get(args.profile, {}),
        brp_api_key=DEMO_BRP_API_KEY,
    )
    app = BenchUpstream(registers, registers.state.latency, replay=not args.no_replay)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=args.port,
        access_log=False,  # URLs hold BSNs (fictional here, but still)
        log_level="warning",
        lifespan="off",
        backlog=4096,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        task = asyncio.create_task(server.serve())
        for _ in range(500):  # up to 10 s
            if server.started or task.done():
                break
            await asyncio.sleep(0.02)
        if not server.started:
            await task
            raise SystemExit("upstreams did not start")
        port = server.servers[0].sockets[0].getsockname()[1]
        bsns = {str(n): [p.bsn for p in group] for n, group in people.items()}
        print(json.dumps({"port": port, "bsns": bsns}))
        sys.stdout.flush()
        loop = asyncio.get_running_loop()
        # The parent closes our stdin (or dies): stop.
        loop.add_reader(sys.stdin.fileno(), lambda: _stdin_closed(server, loop))
        await task

    if _has_uvloop():
        _run_uvloop(serve)
    else:
        asyncio.run(serve())


def _stdin_closed(server: uvicorn.Server, loop: asyncio.AbstractEventLoop) -> None:
    if not os.read(sys.stdin.fileno(), 1024):
        loop.remove_reader(sys.stdin.fileno())
        server.should_exit = True


def _has_uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


def _run_uvloop(main: Any) -> None:
    import uvloop

    uvloop.run(main())


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        main()
