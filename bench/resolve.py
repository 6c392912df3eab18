"""Expand or follow-up? Time the Zaken connector both ways against the simulated registers.

    python -m bench.resolve [--runs 7]

The registers run as a real HTTP server on loopback with a latency profile
(bench/profiles.py); the connector runs on the production transport. For each
profile and each data size it prints the median latency of one zaken lookup
with zaaktype and status resolved: follow-up with a cold Catalogi cache,
follow-up with a warm cache (the steady state: zaaktypen and statustypen are
few and cached for an hour), and expand.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from bench.profiles import PROFILES
from connectors.aiohttp_transport import AiohttpTransport
from connectors.auth import ZgwJwtAuth
from connectors.catalogi import CatalogiResolver
from connectors.context import CallContext
from connectors.http import Upstream
from connectors.zaken import ZakenConnector
from klantbeeld_demo.registers import (
    DEMO_ZGW_CLIENT_ID,
    DEMO_ZGW_SECRET,
    build_demo_data,
    generate_person_with_zaken,
    serve_registers,
)

SIZES = (3, 25)
CTX = CallContext(gebruiker="bench")


async def measure(profile: str, runs: int) -> None:
    personen = [generate_person_with_zaken(n, index=i) for i, n in enumerate(SIZES)]
    data = build_demo_data(personen)
    async with serve_registers(data=data, latency=PROFILES[profile]) as base:
        transport = AiohttpTransport()
        auth = ZgwJwtAuth(DEMO_ZGW_CLIENT_ID, DEMO_ZGW_SECRET)
        zaken = Upstream(
            naam="zaken", base_url=f"{base}/zaken/api/v1", transport=transport, auth=auth
        )
        catalogi = Upstream(
            naam="catalogi", base_url=f"{base}/catalogi/api/v1", transport=transport, auth=auth
        )
        for persoon, size in zip(personen, SIZES, strict=True):
            results = {}
            for mode in ("follow-up (cold cache)", "follow-up (warm cache)", "expand"):
                warm = CatalogiResolver([catalogi, zaken])
                timings = []
                for _ in range(runs):
                    resolver = warm if "warm" in mode else CatalogiResolver([catalogi, zaken])
                    connector = ZakenConnector(
                        zaken,
                        resolver,
                        resolve="expand" if mode == "expand" else "follow-up",
                        page_size=100,
                    )
                    if "warm" in mode and not timings:
                        await connector.zaken(persoon.bsn, CTX)  # fill the cache once
                    start = time.perf_counter()
                    result = await connector.zaken(persoon.bsn, CTX)
                    timings.append(time.perf_counter() - start)
                    assert len(result.zaken) == size
                results[mode] = statistics.median(timings) * 1000
            line = "  ".join(f"{mode}: {ms:6.0f} ms" for mode, ms in results.items())
            print(f"{profile:9s} {size:3d} zaken  {line}")
        await transport.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for profile in PROFILES:
        asyncio.run(measure(profile, args.runs))


if __name__ == "__main__":
    main()
