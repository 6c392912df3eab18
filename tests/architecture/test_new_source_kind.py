"""A new register kind is one module and a config entry: nothing else is edited.

This module is that one module: a throw-away "chat" register (a municipality's
chat platform that keeps transcripts), its kind declared the way every connector
declares its own, and a simulated register. The façade is then started with the
registry plus this kind, a register entry of soort "chat" and a doel that names
it; the test sees it called, merged, filtered, projected, reported in `bronnen`
and recorded.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from connectors.context import CallContext
from connectors.http import Upstream
from connectors.httpx_transport import HttpxTransport
from facade.app import create_app
from facade.protocollering.setup import build_trail
from facade.settings import RegisterSettings, load_settings
from facade.sources import KINDS
from klantbeeld_demo.registers import DEMO_BRP_API_KEY
from policies.loader import load_policies
from tests.harness import (
    CONFIG,
    DEMO_KEYS,
    DEMO_TODAY,
    MemorySink,
    caller_token,
    demo_registers,
)
from vocabulary.identifiers import BURGERSERVICENUMMER
from vocabulary.kinds import Contribution, SourceKind, SourceQuery, Wiring
from vocabulary.records import Contactmoment

BSN = "999993653"

# --- the one module: a connector and its kind ------------------------------------


class ChatSource:
    """Chat transcripts of the person, as contacts in the one contact model."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream

    async def fetch(self, query: SourceQuery, ctx: CallContext) -> Contribution | None:
        body = {"burgerservicenummer": query.subject.value}
        answer = await self.upstream.post_json("gesprekken/zoeken", ctx, body, idempotent=True)
        contacts: list[Contactmoment] = [
            {
                "bron": self.upstream.naam,
                "url": raw["url"],
                "datum": raw["begonnenOp"],
                "kanaal": "chat",
                "onderwerp": raw["onderwerp"],
                "tekst": raw["transcript"],
                "initiatiefnemer": "klant",
                "vertrouwelijk": raw["vertrouwelijk"],
                "gelukt": True,
                "zaakVerwijzingen": [],
                "openstaandeVragen": [],
            }
            for raw in answer["gesprekken"]
            if raw["burgerservicenummer"] == query.subject.value
        ]
        return Contribution(contactmomenten=contacts) if contacts else None


def _connect(settings: Any, upstream: Upstream, wiring: Wiring) -> ChatSource:
    return ChatSource(upstream)


CHAT = SourceKind(
    soort="chat",
    titel="Chatplatform (voorbeeld)",
    label="Chat",
    connect=_connect,
    identifiers=frozenset({BURGERSERVICENUMMER}),
    paths=("contactmomenten",),
)

# --- its simulated register ------------------------------------------------------

ASKED: list[dict[str, Any]] = []


async def zoek_gesprekken(request: Request) -> JSONResponse:
    body = await request.json()
    ASKED.append({"path": request.url.path, "query": str(request.url.query), "body": body})
    gesprekken = [
        {
            "url": "http://registers/chat/api/gesprekken/1",
            "burgerservicenummer": BSN,
            "begonnenOp": "2026-11-20T09:30:00+01:00",
            "onderwerp": "Vraag over de afvalpas",
            "transcript": "Mijn afvalpas werkt niet meer.",
            "vertrouwelijk": False,
        },
        {
            "url": "http://registers/chat/api/gesprekken/2",
            "burgerservicenummer": BSN,
            "begonnenOp": "2026-11-21T10:00:00+01:00",
            "onderwerp": "Schuldhulp",
            "transcript": "Vertrouwelijk gesprek.",
            "vertrouwelijk": True,
        },
        {  # a chat platform that ignores the filter must not pour other people in
            "url": "http://registers/chat/api/gesprekken/3",
            "burgerservicenummer": "999990019",
            "begonnenOp": "2026-11-22T10:00:00+01:00",
            "onderwerp": "Iemand anders",
            "transcript": "Niet van deze persoon.",
            "vertrouwelijk": False,
        },
    ]
    if body.get("burgerservicenummer") != BSN:
        gesprekken = []
    return JSONResponse({"gesprekken": gesprekken})


# --- the config entry and the doel that uses it ------------------------------------


@pytest.fixture
async def chat_facade(tmp_path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, MemorySink]]:
    ASKED.clear()
    kinds = KINDS.with_kind(CHAT)
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    doel = config / "doelen" / "kcc-algemene-vraag.toml"
    text = doel.read_text(encoding="utf-8")
    doel.write_text(text.replace('bronnen = ["', 'bronnen = ["chat", "', 1), encoding="utf-8")
    demo = (config / "demo.toml").read_text(encoding="utf-8")
    demo = demo.replace('"../var/demo/caller-key.pub.pem"', f'"{DEMO_KEYS.public_file}"')
    demo = demo.replace('keys = "../var/demo"', f'keys = "{DEMO_KEYS.public_file.parent}"')
    # The config entry: nothing but TOML names the new kind's register.
    demo += """
[[registers]]
naam = "chatplatform"
soort = "chat"
url = "{demo_registers}/chat/api"
"""
    (config / "demo.toml").write_text(demo, encoding="utf-8")
    settings = load_settings(config / "demo.toml", env={}, kinds=kinds)
    settings = settings.with_demo_registers("http://registers")
    policies = load_policies(settings.doelen_dir, settings.toegang_file, kinds)

    registers = Starlette(
        routes=[
            Mount(
                "/chat/api", routes=[Route("/gesprekken/zoeken", zoek_gesprekken, methods=["POST"])]
            ),
            Mount("/", demo_registers(brp_api_key=DEMO_BRP_API_KEY)),
        ]
    )

    def transport_factory(register: RegisterSettings) -> HttpxTransport:
        return HttpxTransport(httpx.AsyncClient(transport=httpx.ASGITransport(app=registers)))

    sink = MemorySink()
    app = create_app(
        settings,
        policies=policies,
        transport_factory=transport_factory,
        trail=build_trail(settings, sink),
        today=lambda: DEMO_TODAY,
        kinds=kinds,
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://facade"
    ) as client:
        yield client, sink


async def klantbeeld(client: httpx.AsyncClient) -> httpx.Response:
    return await client.post(
        "/api/v1/klantbeeld",
        json={"burgerservicenummer": BSN},
        headers={
            "Authorization": f"Bearer {caller_token()}",
            "X-Doelbinding": "kcc-algemene-vraag",
        },
    )


async def test_a_new_kind_is_called_with_the_subject_in_the_body_never_the_url(chat_facade) -> None:
    client, _ = chat_facade
    assert (await klantbeeld(client)).status_code == 200
    assert ASKED == [
        {"path": "/chat/api/gesprekken/zoeken", "query": "", "body": {"burgerservicenummer": BSN}}
    ]


async def test_its_records_are_merged_filtered_and_projected(
    chat_facade,
) -> None:
    client, _ = chat_facade
    contacts = (await klantbeeld(client)).json()["contactmomenten"]
    chats = [c for c in contacts if c["bron"] == "chatplatform"]
    # kcc-algemene-vraag excludes confidential contacts and does not show `tekst`.
    assert [c["onderwerp"] for c in chats] == ["Vraag over de afvalpas"]
    assert "tekst" not in chats[0]
    assert chats[0]["kanaal"] == "chat"
    # Merged with the other registers' contacts, newest first.
    moments = [c["datum"] for c in contacts]
    assert len(contacts) > len(chats) and moments == sorted(moments, reverse=True)


async def test_it_has_its_own_bronnen_entry(chat_facade) -> None:
    client, _ = chat_facade
    bronnen = (await klantbeeld(client)).json()["bronnen"]
    chat = next(b for b in bronnen if b["bron"] == "chatplatform")
    assert (chat["soort"], chat["status"], chat["afgekapt"]) == ("chat", "ok", False)


async def test_it_is_recorded_in_the_processing_record(chat_facade) -> None:
    client, sink = chat_facade
    assert (await klantbeeld(client)).status_code == 200
    audit = [r for r in sink.records() if "klantbeeld.bronnen" in r.get("attributes", {})]
    assert audit, sink.records()
    assert "chatplatform=ok" in audit[0]["attributes"]["klantbeeld.bronnen"]


async def test_a_doel_that_does_not_name_it_never_calls_it(chat_facade) -> None:
    client, _ = chat_facade
    response = await client.post(
        "/api/v1/klantbeeld",
        json={"burgerservicenummer": BSN},
        headers={"Authorization": f"Bearer {caller_token()}", "X-Doelbinding": "kcc-zaakstatus"},
    )
    assert response.status_code == 200
    assert ASKED == []
    chat = next(b for b in response.json()["bronnen"] if b["bron"] == "chatplatform")
    assert chat["status"] == "niet-gevraagd"
