/**
 * The console's stylesheet and script, embedded so the service serves them
 * itself with no build step at run time. The script is progressive: every
 * act is a plain HTML form that works without it; it only refreshes the
 * live part of the page (short polling, faster while an incident is open),
 * never while someone is filling in a form, and keeps open sections open.
 */

export const CONSOLE_CSS = `
:root { color-scheme: light; --fg: #1a1a1a; --muted: #4a4a4a; --bg: #fff; --panel: #f4f5f7;
  --line: #c8ccd2; --accent: #0b5cad; --ok: #1d6b2f; --warn: #8a4b00; --bad: #a1141c; --focus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; box-shadow: 0 0 0 5px var(--fg); }
.skip { position: absolute; left: -999px; top: 0; background: var(--fg); color: #fff; padding: .5rem 1rem; }
.skip:focus { left: .5rem; z-index: 10; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
header.top { background: #102a43; color: #fff; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; }
header.top h1 { font-size: 1.25rem; margin: 0; }
header.top a { color: #fff; }
.who { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; }
main { padding: 1rem; max-width: 80rem; margin: 0 auto; }
main.login { max-width: 28rem; }
h2 { font-size: 1.2rem; border-bottom: 2px solid var(--line); padding-bottom: .25rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 0; display: inline; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--panel); }
.scroll { overflow-x: auto; margin: .5rem 0 1rem; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; margin: .75rem 0; }
.card h3 { display: block; margin-bottom: .5rem; }
.hint { color: var(--muted); font-size: .9rem; }
.phase, .badge { display: inline-block; padding: 0 .45rem; border-radius: 4px; font-weight: 600; font-size: .9rem; border: 1px solid currentColor; }
.phase-healthy, .phase-retracted, .pre-met .badge { color: var(--ok); }
.phase-degraded, .phase-broken, .phase-expired, .phase-rejected, .phase-withdrawn { color: var(--warn); }
.phase-proposed, .phase-active { color: var(--accent); }
.phase-blocked, .pre-unmet .badge { color: var(--bad); }
.preconditions { padding-left: 1rem; }
.pre p { margin: .25rem 0 .5rem; }
.alarm { border-left: 4px solid var(--bad); padding: .5rem .75rem; background: #fdecec; }
details.zone { border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; margin: .75rem 0; }
details.zone > summary { cursor: pointer; padding: .25rem 0; }
.grid td { min-width: 7.5rem; }
.v-word { display: block; font-weight: 600; }
.v-detail { display: block; font-size: .85rem; color: var(--muted); }
.v-secure .v-word, .v-insecure .v-word { color: var(--ok); }
.v-bogus { background: #fdecec; }
.v-bogus .v-word { color: var(--bad); }
.v-indeterminate .v-word, .v-none { color: var(--warn); }
.acts { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; margin-top: .75rem; }
form.act, .login form { display: flex; flex-direction: column; gap: .35rem; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; }
label { font-weight: 600; }
input, textarea, button { font: inherit; }
input[type=text], input[type=password], input[type=number], textarea { width: 100%; padding: .45rem; border: 1px solid #6b7280; border-radius: 4px; background: #fff; color: var(--fg); }
button { padding: .5rem .9rem; border-radius: 4px; border: 1px solid #0a3d73; background: var(--accent); color: #fff; cursor: pointer; font-weight: 600; align-self: flex-start; }
button.btn-reject, button.btn-retract { background: #fff; color: var(--bad); border-color: var(--bad); }
button.btn-quiet { background: transparent; border-color: #fff; }
.flash { padding: .6rem .9rem; border-radius: 4px; border-left: 4px solid; }
.flash-ok { border-color: var(--ok); background: #e8f5ec; }
.flash-error { border-color: var(--bad); background: #fdecec; }
.timeline { padding-left: 1.25rem; }
.timeline li { margin: .2rem 0; }
.refresh { color: var(--muted); font-size: .9rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  main { padding: .6rem; }
  header.top { padding: .6rem; }
  th, td { padding: .3rem .35rem; }
  .acts { grid-template-columns: 1fr; }
}
`;

export const CONSOLE_JS = `
const live = document.getElementById("live");
const note = document.getElementById("refresh-note");
const stamp = document.getElementById("refresh-time");
const announce = document.getElementById("announce");

function root() { return live ? live.querySelector(".live-root") : null; }

function editing() {
  const active = document.activeElement;
  if (active && active.closest && active.closest("#live form")) return true;
  for (const el of live.querySelectorAll("input, textarea")) {
    if (el.type !== "hidden" && el.value !== el.defaultValue) return true;
  }
  return false;
}

function pollSeconds() {
  const r = root();
  const n = r ? Number(r.dataset.pollSeconds) : 30;
  return Number.isFinite(n) && n > 0 ? n : 30;
}

async function refresh() {
  try {
    if (document.hidden) return;
    if (editing()) { note.textContent = "Updates paused while a form is being filled in."; return; }
    const response = await fetch("/console/view", { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) { window.location.reload(); return; }
    if (!response.ok) { note.textContent = "Update failed (" + response.status + "); retrying."; return; }
    const html = await response.text();
    if (editing()) return;
    const before = root() ? root().dataset.phases : "";
    const open = Array.from(live.querySelectorAll("details[open]"), (d) => d.id);
    const parsed = new DOMParser().parseFromString(html, "text/html");
    live.replaceChildren(...Array.from(parsed.body.childNodes, (n) => document.importNode(n, true)));
    for (const id of open) { const d = document.getElementById(id); if (d) d.open = true; }
    const after = root() ? root().dataset.phases : "";
    if (before !== after) announce.textContent = "Zone states changed: " + after;
    stamp.textContent = "Updated at " + new Date().toISOString().slice(11, 19) + " UTC.";
    note.textContent = "";
  } catch (e) {
    note.textContent = "Update failed; retrying.";
  } finally {
    window.setTimeout(refresh, pollSeconds() * 1000);
  }
}

if (live) window.setTimeout(refresh, pollSeconds() * 1000);
`;
