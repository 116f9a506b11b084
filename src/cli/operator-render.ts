/**
 * How the operator commands print zones and preconditions for people:
 * one line per zone, and for one zone the three preconditions with their
 * evidence in words.
 */

import { isoTime } from "../assess/classify.js";

export interface ZoneView {
  zone: string;
  phase: string;
  /** The latest round's status; absent from an older API. */
  status?: "healthy" | "failing" | "unknown" | null;
  statusNote?: string | null;
  since: number;
  incidentId: string | null;
  candidate: { missing: string; summary: string } | null;
  proposal: { at: number; lifetimeSeconds: number; lifetimeNote: string } | null;
  nta: { approvedBy: string; expiresAt: number; reason: string } | null;
}

interface PreconditionView {
  met: boolean;
  evidence: { summary: string };
}

export function renderZoneLine(z: ZoneView): string {
  // Indeterminate first: the phase is only what was last concluded.
  const parts =
    z.status === "unknown"
      ? [
          `${z.zone.padEnd(24)} unknown: ${z.statusNote ?? "nothing answered"}`,
          `phase ${z.phase} since ${isoTime(z.since)}`,
        ]
      : [`${z.zone.padEnd(24)} ${z.phase.padEnd(10)} since ${isoTime(z.since)}`];
  if (z.phase === "proposed" && z.proposal) {
    parts.push(`proposed lifetime ${z.proposal.lifetimeSeconds} s (${z.proposal.lifetimeNote})`);
  }
  if (z.phase === "active" && z.nta) {
    parts.push(`NTA by ${z.nta.approvedBy} until ${isoTime(z.nta.expiresAt)}: ${z.nta.reason}`);
  }
  if (z.candidate) parts.push(z.candidate.summary);
  return parts.join("; ");
}

export function renderZones(zones: readonly ZoneView[]): string {
  if (zones.length === 0) return "no zones";
  return zones.map(renderZoneLine).join("\n");
}

const NAMES: Record<string, string> = {
  widespread: "widespread",
  confirmed: "publicly confirmed",
  noSecurityValue: "no security value",
};

export function renderPreconditions(p: Record<string, PreconditionView>): string {
  return Object.entries(p)
    .map(
      ([k, v]) => `  ${v.met ? "[met]    " : "[not met]"} ${NAMES[k] ?? k}: ${v.evidence.summary}`,
    )
    .join("\n");
}
