/**
 * The console's pages: the sign-in form, the page shell (header, sections,
 * the script that refreshes the live part), and the live part itself:
 * zones, proposals awaiting a person, NTAs in force, evidence, incidents
 * and the audit log. Forms for acts appear only for approvers; the server
 * refuses the acts of viewers anyway.
 */

import type { Principal } from "../auth.js";
import { csrfField, domId, durationText, esc, timeEl } from "./html.js";
import { zoneEvidence } from "./render-zone.js";
import type { Session } from "./sessions.js";
import type { ConsoleView } from "./view.js";

/** Seconds between refreshes while an incident is open, and otherwise. */
export const POLL_INCIDENT_SECONDS = 5;
export const POLL_QUIET_SECONDS = 30;

function shell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="/console/static/console.css">
<script type="module" src="/console/static/console.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${body}
</body>
</html>
`;
}

export function loginPage(message?: string): string {
  const error = message ? `<p class="flash flash-error" role="alert">${esc(message)}</p>` : "";
  return shell(
    "Sign in · nta-watch",
    `<header class="top"><h1>nta-watch console</h1></header>
<main id="main" class="login">
<h2>Sign in</h2>
${error}
<form method="post" action="/console/login">
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="off" required spellcheck="false">
<p class="hint">The same bearer token as the API: a viewer token reads, an approver token also acts.</p>
<button type="submit">Sign in</button>
</form>
</main>`,
  );
}

const lifetimeInput = (id: string, seconds: number, maxSeconds: number): string =>
  `<label for="${id}">Lifetime (hours, at most ${esc(durationText(maxSeconds))})</label>
<input id="${id}" name="lifetimeHours" type="number" inputmode="decimal" min="0.25" step="any" max="${maxSeconds / 3600}" value="${Math.round((seconds / 3600) * 100) / 100}" required>`;

const reasonInput = (id: string, label: string): string =>
  `<label for="${id}">${esc(label)}</label>
<textarea id="${id}" name="reason" rows="2" maxlength="2000" required></textarea>`;

function actForm(zone: string, act: string, csrf: string, fields: string, button: string): string {
  return `<form method="post" action="/console/zones/${encodeURIComponent(zone)}/${act}" class="act act-${act}">${csrfField(csrf)}${fields}<button type="submit" class="btn-${act}">${esc(button)}</button></form>`;
}

function proposals(v: ConsoleView, who: Principal, csrf: string): string {
  if (v.proposals.length === 0) return `<p>No proposal is waiting.</p>`;
  return v.proposals
    .map((p, i) => {
      const e = p.evidence;
      const forms =
        who.role === "approver"
          ? `<div class="acts">${actForm(
              p.zone,
              "approve",
              csrf,
              `<input type="hidden" name="proposalAt" value="${p.proposedAt}">${lifetimeInput(domId("approve-life", i), p.lifetimeSeconds, v.maxLifetimeSeconds)}${reasonInput(domId("approve-reason", i), "Reason for approving")}`,
              `Approve NTA for ${p.zone}`,
            )}${actForm(p.zone, "reject", csrf, reasonInput(domId("reject-reason", i), "Reason for rejecting"), `Reject proposal for ${p.zone}`)}</div>`
          : `<p class="hint">Approving or rejecting needs an approver token.</p>`;
      return `<article class="card" aria-labelledby="${domId("proposal", i)}"><h3 id="${domId("proposal", i)}">${esc(p.zone)}</h3>
<p>Proposed ${timeEl(p.proposedAt, v.now)}; suggested lifetime ${esc(durationText(p.lifetimeSeconds))}: ${esc(p.lifetimeNote)}</p>
<ul><li>Widespread: ${esc(e.widespread.summary)}</li><li>Confirmed: ${esc(e.confirmed.summary)}</li><li>No security value: ${esc(e.noSecurityValue.summary)}</li></ul>
${forms}</article>`;
    })
    .join("");
}

function ntas(v: ConsoleView, who: Principal, csrf: string): string {
  if (v.ntas.length === 0) return `<p>No NTA is in force.</p>`;
  return v.ntas
    .map((n, i) => {
      const forms =
        who.role === "approver"
          ? `<div class="acts">${actForm(n.zone, "retract", csrf, reasonInput(domId("retract-reason", i), "Reason for retracting"), `Retract NTA for ${n.zone}`)}${actForm(
              n.zone,
              "extend",
              csrf,
              `${lifetimeInput(domId("extend-life", i), Math.min(24 * 3600, v.maxLifetimeSeconds), v.maxLifetimeSeconds)}${reasonInput(domId("extend-reason", i), "Reason for extending")}`,
              `Extend NTA for ${n.zone}`,
            )}</div>`
          : "";
      return `<article class="card nta" aria-labelledby="${domId("nta", i)}"><h3 id="${domId("nta", i)}">${esc(n.zone)} <span class="phase phase-active">active</span></h3>
<p>Approved by ${esc(n.approvedBy)} ${timeEl(n.approvedAt, v.now)}: ${esc(n.reason)}</p>
<p><strong>Expires</strong> ${timeEl(n.expiresAt, v.now)}${n.deployedAt ? `; deployed ${timeEl(n.deployedAt, v.now)}` : "; not deployed on any resolver yet"}</p>
${forms}</article>`;
    })
    .join("");
}

function zonesTable(v: ConsoleView): string {
  const rows = v.zones
    .map(({ view: z }) => {
      const nta = z.nta ? timeEl(z.nta.expiresAt, v.now) : "—";
      return `<tr><th scope="row">${esc(z.zone)}</th><td><span class="phase phase-${esc(z.phase)}">${esc(z.phase)}</span></td><td>${z.since ? timeEl(z.since, v.now) : "—"}</td><td>${z.incidentId ? esc(z.incidentId) : "—"}</td><td>${nta}</td></tr>`;
    })
    .join("");
  return `<div class="scroll" tabindex="0" role="region" aria-label="Zones table"><table><caption>Watched zones</caption><thead><tr><th scope="col">Zone</th><th scope="col">State</th><th scope="col">Since</th><th scope="col">Incident</th><th scope="col">NTA expires</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function confirmForm(zone: string, index: number, csrf: string): string {
  const id = domId("confirm-ref", index);
  return actForm(
    zone,
    "confirm",
    csrf,
    `<label for="${id}">Public confirmation (URL or quoted text)</label><input id="${id}" name="reference" type="text" maxlength="2000" required>`,
    `Record confirmation for ${zone}`,
  );
}

function incidents(v: ConsoleView): string {
  if (v.incidents.length === 0) return `<p>No incident recorded.</p>`;
  return v.incidents
    .map(({ incident, timeline }) => {
      const state =
        incident.closedAt === null ? "open" : `closed ${timeEl(incident.closedAt, v.now)}`;
      const items = timeline
        .map(
          (t) =>
            `<li>${timeEl(t.at, v.now)} <strong>${esc(t.milestone)}</strong> by ${esc(t.actor)}: ${esc(t.summary)}</li>`,
        )
        .join("");
      return `<article class="card"><h3>${esc(incident.zone)} <span class="hint">${esc(incident.id)}</span></h3><p>Opened ${timeEl(incident.openedAt, v.now)}; ${state}</p><ol class="timeline">${items}</ol></article>`;
    })
    .join("");
}

function audit(v: ConsoleView): string {
  if (v.audit.length === 0) return `<p>The audit log is empty.</p>`;
  const rows = v.audit
    .map(
      (a) =>
        `<tr><td>${timeEl(a.at, v.now)}</td><td>${esc(a.zone)}</td><td>${esc(a.actor)}</td><td>${esc(a.action)}</td><td>${esc(a.from)} → ${esc(a.to)}</td><td>${esc(a.reason)}</td></tr>`,
    )
    .join("");
  return `<div class="scroll" tabindex="0" role="region" aria-label="Audit log table"><table><caption>Latest ${v.audit.length} entries, newest first</caption><thead><tr><th scope="col">When</th><th scope="col">Zone</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Phases</th><th scope="col">Reason</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The part of the page the script refreshes. */
export function liveFragment(v: ConsoleView, s: Session): string {
  const who = s.principal;
  const phases = v.zones.map((z) => `${z.view.zone}=${z.view.phase}`).join(" ");
  const poll = v.incidentOpen ? POLL_INCIDENT_SECONDS : POLL_QUIET_SECONDS;
  const evidence = v.zones
    .map((z, i) => {
      const canConfirm =
        who.role === "approver" &&
        ["degraded", "broken"].includes(z.view.phase) &&
        z.assessment?.confirmed.met !== true;
      return zoneEvidence(z, i, v.now, canConfirm ? confirmForm(z.view.zone, i, s.csrf) : "");
    })
    .join("");
  return `<div class="live-root" data-poll-seconds="${poll}" data-phases="${esc(phases)}">
<section id="zones" aria-labelledby="zones-h"><h2 id="zones-h">Zones</h2>${zonesTable(v)}</section>
<section id="proposals" aria-labelledby="proposals-h"><h2 id="proposals-h">Proposals waiting (${v.proposals.length})</h2>${proposals(v, who, s.csrf)}</section>
<section id="ntas" aria-labelledby="ntas-h"><h2 id="ntas-h">NTAs in force (${v.ntas.length})</h2>${ntas(v, who, s.csrf)}</section>
<section id="evidence" aria-labelledby="evidence-h"><h2 id="evidence-h">Evidence</h2>${evidence}</section>
<section id="incidents" aria-labelledby="incidents-h"><h2 id="incidents-h">Incidents</h2>${incidents(v)}</section>
<section id="audit" aria-labelledby="audit-h"><h2 id="audit-h">Audit log</h2>${audit(v)}</section>
</div>`;
}

export function consolePage(v: ConsoleView, s: Session, flash?: Session["flash"]): string {
  const who = s.principal;
  const note = flash
    ? `<p class="flash flash-${flash.kind}" role="${flash.kind === "error" ? "alert" : "status"}">${esc(flash.text)}</p>`
    : "";
  return shell(
    "nta-watch console",
    `<header class="top"><h1>nta-watch console</h1>
<div class="who"><span>Signed in as <strong>${esc(who.name)}</strong> (${esc(who.role)})</span>
<form method="post" action="/console/logout">${csrfField(s.csrf)}<button type="submit" class="btn-quiet">Sign out</button></form></div>
<nav aria-label="Sections"><ul><li><a href="#zones">Zones</a></li><li><a href="#proposals">Proposals</a></li><li><a href="#ntas">NTAs</a></li><li><a href="#evidence">Evidence</a></li><li><a href="#incidents">Incidents</a></li><li><a href="#audit">Audit log</a></li></ul></nav>
</header>
<main id="main">
${note}
<p class="refresh"><span id="refresh-time">Shown at ${timeEl(v.now, v.now)}.</span> <span id="refresh-note"></span></p>
<p id="announce" class="visually-hidden" aria-live="polite"></p>
<div id="live">${liveFragment(v, s)}</div>
</main>`,
  );
}

export function refusalPage(status: number, text: string): string {
  return shell(
    `${status} · nta-watch`,
    `<main id="main" class="login"><h1>Refused (${status})</h1><p class="flash flash-error" role="alert">${esc(text)}</p><p><a href="/">Back to the console</a></p></main>`,
  );
}
