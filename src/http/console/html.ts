/**
 * Small pieces of server-side HTML: escaping (every value from the store
 * or the wire goes through `esc`), times in UTC with a relative hint, and
 * the hidden field that carries the session's synchronizer token.
 */

import { CSRF_FIELD } from "./guard.js";

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text safe in element content and in quoted attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** "2026-06-01 08:00:00 UTC". */
export function utcText(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** "3 h 5 min", "40 s": a duration for people. */
export function durationText(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

/** A <time> element: the UTC time, and how far from now. */
export function timeEl(seconds: number, now: number): string {
  const delta = seconds - now;
  const hint =
    delta === 0 ? "now" : delta > 0 ? `in ${durationText(delta)}` : `${durationText(delta)} ago`;
  const iso = new Date(seconds * 1000).toISOString();
  return `<time datetime="${iso}">${esc(utcText(seconds))}</time> <span class="hint">(${esc(hint)})</span>`;
}

export const csrfField = (token: string): string =>
  `<input type="hidden" name="${CSRF_FIELD}" value="${esc(token)}">`;

/** An id fit for HTML from a zone name: its position keeps it unique. */
export const domId = (prefix: string, index: number): string => `${prefix}-${index}`;
