// The KCC screen: reads the klantbeeld as Server-Sent Events with fetch() and fills
// each section as its event arrives. No framework, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const SECTIONS = ["klant", "zaken", "contactgegevens", "contactmomenten"];
let personen = [];

function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function fill(id, nodes, status = "klaar") {
  const box = $(id).querySelector(".inhoud");
  box.replaceChildren(...nodes);
  $(id).dataset.status = status;
}

function table(rows) {
  const t = el("table");
  for (const [k, v] of rows) {
    if (v === undefined || v === null || v === "") continue;
    const tr = el("tr"); tr.append(el("th", k), el("td", v)); t.append(tr);
  }
  return t;
}

function renderKlant(klant) {
  if (!klant) { fill("klant", [el("p", "Niet gevonden in de registers.")]); return; }
  const a = klant.verblijfplaats?.verblijfadres;
  const adres = a
    ? `${a.officieleStraatnaam ?? ""} ${a.huisnummer ?? ""}${a.huisletter ?? ""}, ${a.postcode ?? ""} ${a.woonplaats ?? ""}`
    : klant.vestiging?.bezoekadres?.volledigAdres;
  fill("klant", [
    el("p", klant.naam?.volledigeNaam ?? klant.naam ?? "(naam niet voor dit doel)", { class: "naam" }),
    table([
      ["Geboren", klant.geboorte?.datum?.datum ?? klant.geboorte?.datum],
      ["Adres", adres], ["KvK-nummer", klant.kvkNummer],
      ["Geheimhouding", klant.geheimhoudingPersoonsgegevens ? "ja" : undefined],
    ]),
  ]);
  const mails = (klant.emailadressen ?? []).map((e) => ["E-mail", e.adres]);
  const tels = (klant.telefoonnummers ?? []).map((t) => ["Telefoon", t.nummer]);
  const rows = [...mails, ...tels];
  fill("contactgegevens", rows.length ? [table(rows)] : [el("p", "Geen contactgegevens (of niet voor dit doel).")]);
}

function renderZaken(zaken) {
  if (!zaken?.length) { fill("zaken", [el("p", "Geen zaken.")]); return; }
  const t = el("table");
  const head = el("tr"); ["Zaak", "Omschrijving", "Status"].forEach((h) => head.append(el("th", h))); t.append(head);
  for (const z of zaken) {
    const tr = el("tr");
    tr.append(el("td", z.identificatie), el("td", z.omschrijving ?? z.zaaktype?.omschrijving),
      el("td", z.status?.statustekst ?? z.status?.statustype?.omschrijving ?? "—"));
    t.append(tr);
  }
  fill("zaken", [t]);
}

function renderContacten(contacten) {
  if (!contacten?.length) { fill("contactmomenten", [el("p", "Geen contacten.")]); return; }
  const t = el("table");
  for (const c of contacten) {
    const tr = el("tr");
    tr.append(el("td", (c.datum ?? "").slice(0, 10)), el("td", c.kanaal), el("td", c.onderwerp ?? c.tekst ?? ""));
    t.append(tr);
  }
  fill("contactmomenten", [t]);
}

function renderBronnen(bronnen) {
  const end = Math.max(100, ...bronnen.map((b) => (b.startMs ?? 0) + (b.duurMs ?? 0)));
  const rows = bronnen.map((b) => {
    const row = el("div", null, { class: `balk ${b.status}`, "data-bron": b.bron, "data-status": b.status });
    const track = el("div", null, { class: "spoor" });
    const bar = el("span");
    bar.style.left = `${(100 * (b.startMs ?? 0)) / end}%`;
    bar.style.width = `${(100 * (b.duurMs ?? 0)) / end}%`;
    track.append(bar);
    row.append(el("span", `${b.bron} (${b.soort})`), track, el("span", `${b.status} · ${b.duurMs} ms`));
    return row;
  });
  $("balken").replaceChildren(...rows);
}

const RENDER = { klant: renderKlant, zaken: renderZaken, contactmomenten: renderContacten };
let seenBronnen = [];

function onEvent(name, data) {
  if (name === "fout") { $("melding").textContent = `Fout: ${data.detail ?? data.title}`; return; }
  if (name === "verwerking") {
    renderBronnen(data.bronnen);
    for (const id of SECTIONS) if ($(id).dataset.status === "wacht") fill(id, [el("p", "Niet voor dit doel.")]);
    $("melding").textContent = "Compleet.";
    return;
  }
  RENDER[name]?.(data.section);
  seenBronnen = [...seenBronnen.filter((b) => !data.bronnen.some((n) => n.bron === b.bron)), ...data.bronnen];
  renderBronnen(seenBronnen);
}

async function readStream(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end); buffer = buffer.slice(end + 2);
      let name = "message"; const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) onEvent(name, JSON.parse(data.join("\n")));
    }
  }
}

async function problem(response) {
  try { const p = await response.json(); return p.detail ?? p.title; } catch { return `HTTP ${response.status}`; }
}

async function opvragen(event) {
  event.preventDefault();
  const persoon = personen.find((p) => p.alias === $("persoon").value);
  const doel = $("doel").value;
  for (const id of SECTIONS) fill(id, [], "wacht");
  $("balken").replaceChildren(); seenBronnen = [];
  $("melding").textContent = "Bezig…";
  const tokenAnswer = await fetch("/demo/token", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ doel, burgerservicenummer: persoon.burgerservicenummer }),
  });
  if (!tokenAnswer.ok) { $("melding").textContent = `Geen token: ${await problem(tokenAnswer)}`; return; }
  const { token } = await tokenAnswer.json();
  const response = await fetch("/api/v1/klantbeeld", {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`, "X-Doelbinding": doel,
      "Content-Type": "application/json", Accept: "text/event-stream",
    },
    body: JSON.stringify({ burgerservicenummer: persoon.burgerservicenummer }),
  });
  if (!response.ok) {
    $("melding").textContent = `Fout: ${await problem(response)}`;
    for (const id of SECTIONS) fill(id, [], "leeg");
    return;
  }
  await readStream(response);
}

async function storing(bron, soort) {
  const answer = await fetch(`/demo/storingen/${encodeURIComponent(bron)}`, {
    method: "PUT", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ storing: soort, seconden: 3 }),
  });
  $("melding").textContent = answer.ok ? `${bron}: ${soort === "geen" ? "normaal" : soort}` : `Storing: ${await problem(answer)}`;
}

function schakelaars(bronnen) {
  const nodes = bronnen.map((naam) => {
    const label = el("label", null, { class: "schakelaar" });
    const select = el("select", null, { "data-bron": naam, "aria-label": `storing ${naam}` });
    for (const [value, text] of [["geen", "normaal"], ["traag", "traag (3 s)"], ["fout", "fout (503)"]]) {
      select.append(el("option", text, { value }));
    }
    select.addEventListener("change", () => storing(naam, select.value));
    label.append(el("span", naam), select);
    return label;
  });
  $("schakelaars").replaceChildren(...nodes);
}

async function start() {
  personen = await (await fetch("/demo/kcc/personen")).json();
  $("persoon").replaceChildren(...personen.map((p) => el("option", p.naam, { value: p.alias })));
  const registers = await (await fetch("/demo/kcc/registers")).json();
  schakelaars(registers);
  const tokenAnswer = await fetch("/demo/token", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ doel: "kcc-algemene-vraag" }),
  });
  const { token } = await tokenAnswer.json();
  const doelen = await (await fetch("/api/v1/doelen", { headers: { Authorization: `Bearer ${token}` } })).json();
  const lijst = doelen.doelen ?? doelen;
  $("doel").replaceChildren(...lijst.map((d) => el("option", d.naam ?? d.id, { value: d.id })));
  $("vraag").addEventListener("submit", opvragen);
  document.body.dataset.klaar = "ja";
}

start();
