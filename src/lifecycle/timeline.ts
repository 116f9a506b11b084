/**
 * The incident timeline report: from the timeline entries of one incident
 * to a JSON object and a Markdown text, with the time between milestones
 * (how long until widespread, until a proposal, until a person approved,
 * until the NTA was in place, until it was retracted). Pure.
 */

import { isoTime } from "../assess/classify.js";
import type { Milestone, TimelineEntry } from "./types.js";

export interface TimelineRow {
  at: number;
  time: string;
  milestone: Milestone;
  actor: string;
  summary: string;
  /** Seconds since the first entry of the incident. */
  sinceStart: number;
  /** Seconds since the entry before. */
  sincePrevious: number;
}

export interface TimelineDuration {
  from: Milestone;
  to: Milestone;
  label: string;
  seconds: number;
  text: string;
}

export interface TimelineReport {
  incidentId: string;
  zone: string;
  startedAt: number;
  /** True until the incident's "closed" milestone. */
  open: boolean;
  /** When the incident closed; null while it is open. */
  endedAt: number | null;
  /** The latest entry's time, open or closed. */
  latestAt: number;
  rows: TimelineRow[];
  durations: TimelineDuration[];
}

/** The spans worth reading, from the first occurrence of one milestone to the first of another. */
const SPANS: readonly { from: Milestone; to: Milestone; label: string }[] = [
  { from: "first-failure", to: "widespread", label: "first failure to widespread" },
  { from: "first-failure", to: "proposal", label: "first failure to proposal" },
  { from: "proposal", to: "approval", label: "proposal to approval (waiting for a person)" },
  { from: "approval", to: "deployment", label: "approval to deployment" },
  { from: "first-failure", to: "deployment", label: "first failure to NTA in place" },
  { from: "recovery-seen", to: "retraction", label: "recovery seen to retraction" },
  { from: "first-failure", to: "closed", label: "whole incident" },
];

/** Seconds as people read them: "45 s", "12 min 5 s", "2 h 47 min", "3 d 4 h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`not a duration: ${seconds}`);
  const s = Math.round(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const pair = (a: number, ua: string, b: number, ub: string) =>
    b > 0 ? `${a} ${ua} ${b} ${ub}` : `${a} ${ua}`;
  if (d > 0) return pair(d, "d", h, "h");
  if (h > 0) return pair(h, "h", m, "min");
  if (m > 0) return pair(m, "min", r, "s");
  return `${r} s`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Builds the report of one incident. Throws when given no entries or entries of several incidents. */
export function buildTimelineReport(entries: readonly TimelineEntry[]): {
  json: TimelineReport;
  markdown: string;
} {
  if (entries.length === 0) throw new Error("a timeline report needs at least one entry");
  const incidentId = entries[0]!.incidentId;
  if (entries.some((e) => e.incidentId !== incidentId)) {
    throw new Error("a timeline report covers one incident; entries of several were given");
  }
  // Stable sort by time: entries of the same second keep the order they were recorded in.
  const sorted = entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.at - b.e.at || a.i - b.i);
  const start = sorted[0]!.e.at;
  const rows: TimelineRow[] = sorted.map(({ e }, i) => ({
    at: e.at,
    time: isoTime(e.at),
    milestone: e.milestone,
    actor: e.actor,
    summary: e.summary,
    sinceStart: e.at - start,
    sincePrevious: i === 0 ? 0 : e.at - sorted[i - 1]!.e.at,
  }));
  const first = new Map<Milestone, number>();
  for (const r of rows) if (!first.has(r.milestone)) first.set(r.milestone, r.at);
  const durations: TimelineDuration[] = [];
  for (const span of SPANS) {
    const from = first.get(span.from);
    const to = first.get(span.to);
    if (from === undefined || to === undefined || to < from) continue;
    durations.push({ ...span, seconds: to - from, text: formatDuration(to - from) });
  }
  // An incident ends with its "closed" milestone; until then the latest entry is not its end.
  const closedAt = first.get("closed");
  const json: TimelineReport = {
    incidentId,
    zone: entries[0]!.zone,
    startedAt: start,
    open: closedAt === undefined,
    endedAt: closedAt ?? null,
    latestAt: rows[rows.length - 1]!.at,
    rows,
    durations,
  };
  return { json, markdown: toMarkdown(json) };
}

function toMarkdown(r: TimelineReport): string {
  const lines = [
    `# Incident ${r.incidentId}`,
    "",
    r.endedAt !== null
      ? `Zone \`${r.zone}\`, from ${isoTime(r.startedAt)} to ${isoTime(r.endedAt)} ` +
        `(${formatDuration(r.endedAt - r.startedAt)}).`
      : `Zone \`${r.zone}\`, from ${isoTime(r.startedAt)}, still open: the latest entry ` +
        `at ${isoTime(r.latestAt)} (${formatDuration(r.latestAt - r.startedAt)} after the start).`,
    "",
    "| time (UTC) | after start | milestone | by | what |",
    "|---|---|---|---|---|",
    ...r.rows.map((row) => {
      const cells = [
        row.time,
        formatDuration(row.sinceStart),
        row.milestone,
        row.actor,
        row.summary,
      ];
      return `| ${cells.map(cell).join(" | ")} |`;
    }),
  ];
  if (r.durations.length > 0) {
    lines.push("", "## Durations", "", ...r.durations.map((d) => `- ${d.label}: ${d.text}`));
  }
  return lines.join("\n") + "\n";
}
