"""The façade's upstream calls without the façade: reference fan-out, sequential baseline,
measured critical path.

    python -m bench.reference '{"base": …, "bsns": [...], "brp_fields": [...],
                                "concurrency": [1, 16, 64], "duration": 3, "cpu": 0}'

For persons of one size (round robin, so concurrent runs ask for different
persons, as the driver does), the same calls the façade makes (connectors/*.py, follow-up
resolution, the bench doel: everything, no filters), made with aiohttp on
uvloop — the fastest client measured here (bench/transports.py) — and nothing
else: no caller auth, policy, merge, projection or protocollering. Each
response is read whole and parsed (its links decide the next calls), and the
same pool limits apply as in the façade (100 connections per register).

- fan-out: BRP ∥ (Zaken pages ∥ Rollen pages → per zaak: status → statustype;
  zaaktype) ∥ (Klanten → klantcontactmomenten → contactmoment →
  objectcontactmomenten), each call as soon as the URL it needs has arrived;
  driven closed-loop at each concurrency. Catalogi objects are cached, as in
  the façade (a one-hour cache), and the cache is warm before measuring.
- sequential: the same calls (warm cache), one after another.
- chains: each dependency chain replayed call after call; the longest one's
  median is the measured critical path (warm cache).
- calls: the upstream's call count per endpoint for one warm fan-out, so the
  orchestrator can check the reference makes the façade's calls.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from typing import Any

import aiohttp

from bench.driver import cpu_sample
from connectors.auth import ZgwJwtAuth
from connectors.context import CallContext
from klantbeeld_demo.registers import DEMO_BRP_API_KEY, DEMO_ZGW_CLIENT_ID, DEMO_ZGW_SECRET

USER = "bench-medewerker"
POOL_PER_REGISTER = 100  # the façade's max_connections default
REGISTERS = ("brp", "zaken", "catalogi", "klanten", "contactmomenten")


class UpstreamFailed(Exception):
    pass


class Clients:
    """What every person's walk shares: one pooled session per register, the Catalogi cache."""

    def __init__(self, pool_per_register: int = POOL_PER_REGISTER) -> None:
        self.pool = pool_per_register
        self.sessions: dict[str, aiohttp.ClientSession] = {}
        self.catalogi: dict[str, Any] = {}
        self.catalogi_in_flight: dict[str, asyncio.Future[Any]] = {}

    async def __aenter__(self) -> Clients:
        for name in REGISTERS:
            connector = aiohttp.TCPConnector(limit=self.pool)
            self.sessions[name] = aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout(total=30)
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        for session in self.sessions.values():
            await session.close()


class Reference:
    """The calls for one person."""

    def __init__(self, base: str, bsn: str, brp_fields: list[str], clients: Clients) -> None:
        self.base = base.rstrip("/")
        self.bsn = bsn
        self.brp_body = json.dumps(
            {
                "type": "RaadpleegMetBurgerservicenummer",
                "burgerservicenummer": [bsn],
                "fields": brp_fields,
            }
        ).encode()
        token = ZgwJwtAuth(DEMO_ZGW_CLIENT_ID, DEMO_ZGW_SECRET).token(
            CallContext(gebruiker=USER, gebruiker_weergave=USER)
        )
        self.zgw = {"Accept": "application/json", "Authorization": f"Bearer {token}"}
        self.zaken_headers = {**self.zgw, "Accept-Crs": "EPSG:4326"}
        self.brp_headers = {
            "Accept": "application/json",
            "Content-Type": "application/json; charset=utf-8",
            "X-API-KEY": DEMO_BRP_API_KEY,
            "x-doelbinding": "BRPACT-Bench",
            "x-gebruiker": USER,
        }
        self.sessions = clients.sessions
        self.catalogi = clients.catalogi
        self.catalogi_in_flight = clients.catalogi_in_flight
        self.chain_contactmoment: str | None = None
        rol = "betrokkeneIdentificatie__natuurlijkPersoon__inpBsn"
        self.zaken_url = f"{self.base}/zaken/api/v1/zaken?rol__{rol}={bsn}&ordering=-startdatum"
        self.rollen_url = f"{self.base}/zaken/api/v1/rollen?{rol}={bsn}"
        self.klanten_url = (
            f"{self.base}/klanten/api/v1/klanten?subjectNatuurlijkPersoon__inpBsn={bsn}"
        )
        self.kcm_url = f"{self.base}/contactmomenten/api/v1/klantcontactmomenten"

    # -- one call ---------------------------------------------------------------------------
    async def get(self, register: str, url: str, headers: dict[str, str], **kw: Any) -> Any:
        async with self.sessions[register].get(url, headers=headers, **kw) as answer:
            body = await answer.read()
            if answer.status != 200:
                raise UpstreamFailed(f"{register} {answer.status}")
        return json.loads(body)

    async def brp(self) -> Any:
        async with self.sessions["brp"].post(
            f"{self.base}/haalcentraal/api/brp/personen",
            data=self.brp_body,
            headers=self.brp_headers,
        ) as answer:
            body = await answer.read()
            if answer.status != 200:
                raise UpstreamFailed(f"brp {answer.status}")
        return json.loads(body)

    async def all_pages(
        self, register: str, url: str | None, headers: dict[str, str], **kw: Any
    ) -> list[Any]:
        results: list[Any] = []
        while url:
            page = await self.get(register, url, headers, **kw)
            results.extend(page["results"])
            url, kw = page.get("next"), {}
        return results

    async def catalogus(self, url: str) -> Any:
        found = self.catalogi.get(url)
        if found is not None:
            return found
        running = self.catalogi_in_flight.get(url)
        if running is None:
            running = asyncio.ensure_future(self.get("catalogi", url, self.zgw))
            self.catalogi_in_flight[url] = running
            try:
                self.catalogi[url] = await running
            finally:
                self.catalogi_in_flight.pop(url, None)
            return self.catalogi[url]
        return await asyncio.shield(running)

    # -- the fan-out ------------------------------------------------------------------------
    async def fanout(self) -> None:
        await asyncio.gather(self.brp(), self.zaken(), self.contact())

    async def zaken(self) -> None:
        rollen = asyncio.ensure_future(self._eigen())
        follow_ups = []
        url: str | None = self.zaken_url
        try:
            while url:
                page = await self.get("zaken", url, self.zaken_headers)
                for zaak in page["results"]:
                    follow_ups.append(asyncio.ensure_future(self._zaak(zaak, rollen)))
                url = page.get("next")
            await rollen
        finally:
            if follow_ups:
                await asyncio.gather(*follow_ups)

    async def _eigen(self) -> frozenset[str]:
        rollen = await self.all_pages("zaken", self.rollen_url, self.zgw)
        return frozenset(r["zaak"] for r in rollen)

    async def _zaak(self, zaak: dict[str, Any], rollen: asyncio.Future[frozenset[str]]) -> None:
        if zaak["url"] not in await rollen:
            return
        await asyncio.gather(self.catalogus(zaak["zaaktype"]), self._status(zaak["status"]))

    async def _status(self, url: str) -> None:
        status = await self.get("zaken", url, self.zgw)
        await self.catalogus(status["statustype"])

    async def contact(self) -> None:
        klanten = await self.all_pages("klanten", self.klanten_url, self.zgw)
        await asyncio.gather(*(self._klant(k["url"]) for k in klanten))

    async def _klant(self, klant_url: str) -> None:
        links = await self.all_pages(
            "contactmomenten", self.kcm_url, self.zgw, params={"klant": klant_url}
        )
        urls = dict.fromkeys(link["contactmoment"] for link in links)
        await asyncio.gather(*(self._contactmoment(url) for url in urls))

    async def _contactmoment(self, url: str) -> None:
        moment = await self.get("contactmomenten", url, self.zgw)
        await asyncio.gather(
            *(self.get("contactmomenten", o, self.zgw) for o in moment["objectcontactmomenten"])
        )

    # -- the same calls, one after another ----------------------------------------------------
    async def sequential(self) -> None:
        await self.brp()
        zaken = await self.all_pages("zaken", self.zaken_url, self.zaken_headers)
        eigen = await self._eigen()
        for zaak in zaken:
            if zaak["url"] in eigen:
                await self.catalogus(zaak["zaaktype"])
                await self._status(zaak["status"])
        for klant in await self.all_pages("klanten", self.klanten_url, self.zgw):
            links = await self.all_pages(
                "contactmomenten", self.kcm_url, self.zgw, params={"klant": klant["url"]}
            )
            for url in dict.fromkeys(link["contactmoment"] for link in links):
                moment = await self.get("contactmomenten", url, self.zgw)
                for link in moment["objectcontactmomenten"]:
                    await self.get("contactmomenten", link, self.zgw)

    # -- the dependency chains, each call after the one before ------------------------------
    async def chain_brp(self) -> None:
        await self.brp()

    async def chain_zaken(self) -> None:
        # Pages in order, then the status of a zaak on the last page (statustype cached).
        zaken = await self.all_pages("zaken", self.zaken_url, self.zaken_headers)
        if zaken:
            await self._status(zaken[-1]["status"])

    async def discover_contact_chain(self) -> None:
        """Untimed: which contactmoment makes the longest contact chain (one with a zaak link)."""
        self.chain_contactmoment = None
        for klant in await self.all_pages("klanten", self.klanten_url, self.zgw):
            links = await self.all_pages(
                "contactmomenten", self.kcm_url, self.zgw, params={"klant": klant["url"]}
            )
            for link in links:
                moment = await self.get("contactmomenten", link["contactmoment"], self.zgw)
                if self.chain_contactmoment is None or moment["objectcontactmomenten"]:
                    self.chain_contactmoment = link["contactmoment"]
                if moment["objectcontactmomenten"]:
                    return

    async def chain_contact(self) -> None:
        # Klanten → klantcontactmomenten → that contactmoment → its first zaak link.
        klanten = await self.all_pages("klanten", self.klanten_url, self.zgw)
        if not klanten:
            return
        links = await self.all_pages(
            "contactmomenten", self.kcm_url, self.zgw, params={"klant": klanten[0]["url"]}
        )
        for link in links:
            if link["contactmoment"] == self.chain_contactmoment:
                moment = await self.get("contactmomenten", link["contactmoment"], self.zgw)
                for url in moment["objectcontactmomenten"][:1]:
                    await self.get("contactmomenten", url, self.zgw)
                return


async def timed(call: Any) -> float:
    start = time.perf_counter()
    await call()
    return time.perf_counter() - start


async def closed_loop(
    refs: list[Reference],
    concurrency: int,
    duration: float,
    warmup: float,
    max_runs: int,
    watch: dict[str, Any],
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    started = 0
    turn = [0]  # round robin over the persons: concurrent runs ask for different persons
    now = time.perf_counter
    measure_from = now() + warmup
    stop_at = measure_from + duration
    hard_stop = stop_at + 20.0  # as in the driver: each worker one counted run, bounded

    async def worker() -> None:
        nonlocal started, errors
        while started < max_runs:
            begin = now()
            if begin >= hard_stop or (begin >= stop_at and started >= concurrency):
                return
            counted = begin >= measure_from
            if counted:
                started += 1
            person = refs[turn[0] % len(refs)]
            turn[0] += 1
            try:
                await person.fanout()
            except (UpstreamFailed, aiohttp.ClientError, TimeoutError):
                errors += 1
                continue
            if counted:
                latencies.append(now() - begin)

    async def sample_at_start() -> None:
        await asyncio.sleep(max(0.0, measure_from - now()))
        cpu_start.update(cpu_sample(watch))

    cpu_start: dict[str, float] = {}
    await asyncio.gather(sample_at_start(), *(worker() for _ in range(concurrency)))
    window = now() - measure_from
    cpu_end = cpu_sample(watch)
    cpu = {
        k: (cpu_end[k] - v) / max(1e-9, cpu_end["_wall"] - cpu_start["_wall"])
        for k, v in cpu_start.items()
        if k != "_wall" and k in cpu_end
    }
    return {"latencies": latencies, "window": window, "errors": errors, "cpu": cpu}


async def calls_of(ref: Reference, run: Any) -> dict[str, int]:
    admin = ref.sessions["brp"]
    async with admin.get(f"{ref.base}/__bench/calls") as answer:
        await answer.read()  # reset
    await run()
    async with admin.get(f"{ref.base}/__bench/calls") as answer:
        return json.loads(await answer.read())


async def measure_chains(ref: Reference, reps: int, budget: float) -> dict[str, float]:
    """Median ms per chain. The rollen pages run beside the zaken pages at the same price
    per page (and the same count), so the zaken chain (pages → status) stands for both."""
    await ref.discover_contact_chain()
    chains = {
        "brp": ref.chain_brp,
        "zaken": ref.chain_zaken,
        "contact": ref.chain_contact,
    }
    samples: dict[str, list[float]] = {name: [] for name in chains}
    deadline = time.perf_counter() + budget
    for rep in range(reps):
        for name, chain in chains.items():
            samples[name].append(await timed(chain))
        if rep >= 2 and time.perf_counter() > deadline:
            break
    return {name: statistics.median(values) * 1000 for name, values in samples.items()}


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    async with Clients(int(spec.get("pool", POOL_PER_REGISTER))) as clients:
        refs = [Reference(spec["base"], bsn, spec["brp_fields"], clients) for bsn in spec["bsns"]]
        ref = refs[0]
        # Every person once (16 at a time): connections up, the Catalogi cache warm (as
        # in the façade), and the upstreams' replay cache filled before anything is timed.
        warm = refs if spec.get("warm_all", True) else refs[:3]
        for start in range(0, len(warm), 16):
            await asyncio.gather(*(person.fanout() for person in warm[start : start + 16]))
        await ref.fanout()
        result["calls"] = await calls_of(ref, ref.fanout)
        result["chains"] = await measure_chains(
            ref, int(spec.get("chain_reps", 7)), float(spec.get("chain_budget", 3.0))
        )
        result["critical_measured"] = max(result["chains"].values())
        seq: list[float] = []
        deadline = time.perf_counter() + float(spec.get("sequential_budget", 5.0))
        for _ in range(int(spec.get("sequential_runs", 3))):
            seq.append(await timed(ref.sequential))
            if time.perf_counter() > deadline:
                break
        result["sequential"] = {"ms": statistics.median(seq) * 1000, "runs": len(seq)}
        result["fanout"] = {}
        for concurrency in spec.get("concurrency", [1, 16, 64]):
            result["fanout"][str(concurrency)] = await closed_loop(
                refs,
                int(concurrency),
                float(spec.get("duration", 3.0)),
                float(spec.get("warmup", 0.5)),
                int(spec.get("max_runs", 1_000_000)),
                {
                    "watch_pids": {"reference": os.getpid(), **spec.get("watch_pids", {})},
                    "watch_cores": spec.get("watch_cores", []),
                },
            )
    return result


def main() -> None:
    spec = json.loads(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read())
    if spec.get("cpu") is not None:
        os.sched_setaffinity(0, {int(spec["cpu"])})
    import uvloop

    json.dump(uvloop.run(run(spec)), sys.stdout)


if __name__ == "__main__":
    main()
