/**
 * The evidence of one zone as HTML: the three preconditions with their
 * summaries (and the tampering alarm when present), then the verdict of
 * each recursive vantage and each authoritative server over the last
 * rounds. Colour is never the only signal: every cell says its verdict.
 */

import type { Assessment } from "../../assess/types.js";
import { esc, timeEl, utcText } from "./html.js";
import type { VerdictCell, VerdictGrid, ZoneDetail } from "./view.js";

const PRECONDITIONS: { key: "widespread" | "confirmed" | "noSecurityValue"; title: string }[] = [
  { key: "widespread", title: "1. Widespread" },
  { key: "confirmed", title: "2. Publicly confirmed" },
  { key: "noSecurityValue", title: "3. No security value in rejecting" },
];

function preconditions(a: Assessment, now: number): string {
  const items = PRECONDITIONS.map(({ key, title }) => {
    const p = a[key];
    const mark = p.met ? "met" : "not met";
    return `<li class="pre ${p.met ? "pre-met" : "pre-unmet"}"><strong>${esc(title)}:</strong> <span class="badge">${mark}</span><p>${esc(p.evidence.summary)}</p></li>`;
  }).join("");
  const tampering = a.noSecurityValue.tampering
    ? `<p class="alarm" role="alert"><strong>Tampering suspected:</strong> ${esc(a.noSecurityValue.tampering.summary)}</p>`
    : "";
  const clock = a.clockSuspect
    ? `<p class="alarm"><strong>The watcher's own clock looks wrong:</strong> no proposal while it does.</p>`
    : "";
  const everywhere = `<p>Valid everywhere: <strong>${a.validEverywhere ? "yes" : "no"}</strong>${a.validAs ? ` (as ${esc(a.validAs)})` : ""}. Assessed ${timeEl(a.at, now)}.</p>`;
  return `${tampering}${clock}<ul class="preconditions">${items}</ul>${everywhere}`;
}

function cell(c: VerdictCell | undefined): string {
  if (!c) return `<td class="v-none">not probed</td>`;
  const detail = [
    c.reasonKind ?? "",
    c.canaries > 0 ? `${c.canariesFailing}/${c.canaries} canaries bogus` : "",
    c.userRcodes.length > 0 ? `users got ${c.userRcodes.join(", ")}` : "",
  ].filter(Boolean);
  const title = c.reasonMessage ? ` title="${esc(c.reasonMessage)}"` : "";
  return `<td class="v-${esc(c.security)}"${title}><span class="v-word">${esc(c.security)}</span>${detail.length > 0 ? `<span class="v-detail">${esc(detail.join(" · "))}</span>` : ""}</td>`;
}

function grid(g: VerdictGrid, caption: string, pathHeader: string): string {
  if (g.rows.length === 0) return `<p>${esc(caption)}: no rounds stored yet.</p>`;
  const head = g.rounds
    .map((at) => `<th scope="col">${esc(utcText(at).slice(11, 19))}</th>`)
    .join("");
  const rows = g.rows
    .map((r) => `<tr><th scope="row">${esc(r.path)}</th>${r.cells.map(cell).join("")}</tr>`)
    .join("");
  return `<div class="scroll" tabindex="0" role="region" aria-label="${esc(caption)}"><table class="grid"><caption>${esc(caption)} (round times UTC, oldest first)</caption><thead><tr><th scope="col">${esc(pathHeader)}</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

/** The zone's evidence section; open unless the zone is healthy. */
export function zoneEvidence(z: ZoneDetail, index: number, now: number, extra: string): string {
  const v = z.view;
  const body = z.assessment
    ? preconditions(z.assessment, now)
    : `<p>Not assessed yet: no round stored.</p>`;
  const open = v.phase === "healthy" ? "" : " open";
  const candidate = v.candidate
    ? `<p><strong>Waiting for:</strong> ${esc(v.candidate.missing)}. ${esc(v.candidate.summary)}</p>`
    : "";
  return `<details class="zone" id="zone-${index}"${open}><summary><h3>${esc(v.zone)} <span class="phase phase-${esc(v.phase)}">${esc(v.phase)}</span></h3></summary>${candidate}${body}${extra}${grid(z.vantages, `Recursive vantages of ${v.zone}`, "Vantage")}${grid(z.authoritatives, `Authoritative servers of ${v.zone}`, "Server")}</details>`;
}
