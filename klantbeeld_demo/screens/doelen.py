"""`/demo/doelen`: the doelen side by side for the privacy officer, and what each returns.

The comparison is the one `klantbeeld doelen-review --html` writes (policy only).
Below it, for one demo person (chosen by a short alias, never a BSN in the URL),
every doel's actual answer side by side: the page asks the façade itself, over
loopback, once per doel, with a short-lived token signed with the demo key and
carrying exactly what config/toegang.toml grants for that doel (its scope or
role; the bsn claim for a zelfbediening doel). A doel without person paths is
shown as "niet voor personen" and not asked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from typing import Any

import httpx
import jwt
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from facade.demokeys import demo_claims, signing_key
from facade.settings import Settings
from facade.sources import KINDS
from klantbeeld_demo.registers import personen as demo
from klantbeeld_demo.screens import ScreenContext
from policies.labels import label
from policies.loader import PolicySet, load_policies
from policies.model import Doel
from policies.review_html import CSS, comparison_tables

PATH = "/demo/doelen"
STYLESHEET = f"{PATH}/doelen.css"
TOKEN_TTL_S = 60
SECTIONS = ("klant", "zaken", "contactmomenten")
MAX_VALUES = 6  # per cell: enough to compare, not a dump of 130 zaken

# Short aliases for the demo persons: the choice travels in the URL, a BSN never does.
ALIASES: dict[str, str] = {
    "hoofdpersoon": demo.BSN_HOOFDPERSOON,
    "veel-zaken": demo.BSN_VEEL_ZAKEN,
    "onbekend-in-brp": demo.BSN_ONBEKEND_IN_BRP,
    "geheim": demo.BSN_GEHEIM,
    "overleden": demo.BSN_OVERLEDEN,
    "alleen-brp": demo.BSN_ALLEEN_BRP,
    "buitenland": demo.BSN_BUITENLAND,
    "partner": demo.BSN_PARTNER,
    "buurman": demo.BSN_BUURMAN,
    "alleen-klantinteracties": demo.BSN_ALLEEN_KLANTINTERACTIES,
}
DEFAULT_ALIAS = "hoofdpersoon"


@dataclass(frozen=True)
class Antwoord:
    """One doel's answer for the chosen person, or why there is none."""

    status: int | None
    body: dict[str, Any]
    reden: str = ""


def routes(context: ScreenContext) -> list[BaseRoute]:
    settings = context.settings
    policies = load_policies(settings.doelen_dir, settings.toegang_file, KINDS)
    names = person_names()

    async def page(request: Request) -> Response:
        alias = request.query_params.get("persoon", DEFAULT_ALIAS)
        if alias not in ALIASES:
            alias = DEFAULT_ALIAS
        doelen = sorted(policies.doelen.values(), key=lambda d: d.id)
        antwoorden = await asyncio.gather(
            *(_ask(request, settings, policies, doel, ALIASES[alias]) for doel in doelen)
        )
        html = _page(policies, names, alias, list(zip(doelen, antwoorden, strict=True)))
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def stylesheet(request: Request) -> Response:
        css = files("klantbeeld_demo.screens").joinpath("static/doelen.css").read_text("utf-8")
        return Response(css, media_type="text/css")

    return [Route(PATH, page, methods=["GET"]), Route(STYLESHEET, stylesheet, methods=["GET"])]


def person_names() -> dict[str, str]:
    by_bsn = {p.bsn: p for p in demo.demo_personen()}
    names = {}
    for alias, bsn in ALIASES.items():
        brp = by_bsn[bsn].brp
        naam = (brp or {}).get("naam", {}).get("volledigeNaam") if brp else None
        names[alias] = f"{naam or 'onbekend in de BRP'} ({alias})"
    return names


def demo_token(settings: Settings, policies: PolicySet, doel: Doel, bsn: str) -> str | None:
    """A caller token with what toegang.toml grants for this doel (None: no rule or key)."""
    key = signing_key(settings.demo.keys, settings.caller_auth.public_key_file)
    rule = next((r for r in policies.toegang if doel.id in r.doelen), None)
    if key is None or rule is None:
        return None
    auth = settings.caller_auth
    claims = demo_claims(auth, "fg-demo-vergelijking", TOKEN_TTL_S, "demo-doelen")
    if rule.scope:
        claims[auth.scope_claim] = rule.scope
    else:
        claims[auth.roles_claim] = [rule.rol]
    if doel.zelfbediening:
        claims[auth.bsn_claim] = bsn
    return jwt.encode(claims, key, algorithm="RS256")


def _own_address(request: Request) -> str:
    """Where this façade listens (the socket the browser reached), never the Host
    header: a forged one must not make the page send a token elsewhere."""
    host, port = request.scope["server"]
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{port}"


async def _ask(
    request: Request, settings: Settings, policies: PolicySet, doel: Doel, bsn: str
) -> Antwoord:
    if not doel.velden:
        return Antwoord(None, {}, "niet voor personen")
    token = demo_token(settings, policies, doel, bsn)
    if token is None:
        return Antwoord(None, {}, "geen toegangsregel of geen demo-sleutel")
    headers = {"Authorization": f"Bearer {token}", "X-Doelbinding": doel.id}
    async with httpx.AsyncClient(base_url=_own_address(request), timeout=15) as client:
        try:
            response = await client.post(
                "/api/v1/klantbeeld", json={"burgerservicenummer": bsn}, headers=headers
            )
        except httpx.HTTPError:
            return Antwoord(None, {}, "de façade antwoordde niet")
    try:
        body = response.json()
    except ValueError:
        body = {}
    return Antwoord(response.status_code, body if isinstance(body, dict) else {})


def _leaves(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path without list positions, value) for every scalar in an answer."""
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _leaves(sub, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path)
    elif value is not None:
        yield path, "ja" if value is True else "nee" if value is False else str(value)


def _cells(antwoord: Antwoord) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for section in SECTIONS:
        for path, value in _leaves(antwoord.body.get(section), section):
            found.setdefault(path, []).append(value)
    return found


def _label(path: str) -> str:
    try:
        return label(path)
    except KeyError:
        return path


def _cell(values: list[str] | None) -> str:
    if not values:
        return '<td class="nee">–</td>'
    shown = [escape(v) for v in values[:MAX_VALUES]]
    more = f"<br><em>… en nog {len(values) - MAX_VALUES}</em>" if len(values) > MAX_VALUES else ""
    return f'<td class="waarde">{"<br>".join(shown)}{more}</td>'


def _status(antwoord: Antwoord) -> str:
    if antwoord.status is None:
        return f'<td class="geen">{escape(antwoord.reden)}</td>'
    if antwoord.status == 200:
        return '<td class="ja">200 — geleverd</td>'
    title = antwoord.body.get("title") or ""
    return f'<td class="fout">{antwoord.status} {escape(str(title))}</td>'


def _answers_table(answers: list[tuple[Doel, Antwoord]]) -> str:
    cells = [_cells(antwoord) for _, antwoord in answers]
    paths = list(dict.fromkeys(p for found in cells for p in found))
    head = "".join(
        f'<th scope="col" data-doel="{escape(d.id)}">{escape(d.naam)}<br>'
        f'<span class="pad">{escape(d.id)}</span></th>'
        for d, _ in answers
    )
    rows = [
        '<tr class="eigenschap"><th scope="row">Antwoord</th>'
        + "".join(_status(a) for _, a in answers)
        + "</tr>"
    ]
    for path in paths:
        rows.append(
            f'<tr data-pad="{escape(path)}"><th scope="row">{escape(_label(path))}<br>'
            f'<span class="pad">{escape(path)}</span></th>'
            + "".join(_cell(found.get(path)) for found in cells)
            + "</tr>"
        )
    return (
        '<table class="vergelijking antwoorden" id="antwoorden">'
        f'<thead><tr><th scope="col">veld</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _page(
    policies: PolicySet,
    names: dict[str, str],
    alias: str,
    answers: list[tuple[Doel, Antwoord]],
) -> str:
    options = "".join(
        f'<option value="{escape(a)}"{" selected" if a == alias else ""}>{escape(n)}</option>'
        for a, n in names.items()
    )
    return f"""<!DOCTYPE html>
<html lang="nl">
<head><meta charset="utf-8"><title>Doelen naast elkaar (demo)</title>
<link rel="icon" href="data:,">
<style>{CSS}</style><link rel="stylesheet" href="{STYLESHEET}"></head>
<body>
<h1>De doelen naast elkaar</h1>
<p>Beleidsversie <code>{escape(policies.versie)}</code>. Eerst wat elk doel mag leveren,
daarna wat elk doel werkelijk levert voor één demopersoon.</p>
<form method="get" action="{PATH}" class="kies">
<label for="persoon">Demopersoon</label>
<select id="persoon" name="persoon">{options}</select>
<button type="submit">Toon de antwoorden</button>
</form>
<section id="antwoord-sectie">
<h2>Wat elk doel levert voor {escape(names[alias])}</h2>
{_answers_table(answers)}
</section>
<section id="vergelijking">
{comparison_tables(policies)}
</section>
</body></html>
"""
