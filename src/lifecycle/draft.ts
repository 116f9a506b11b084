/**
 * A transition under construction: a copy of the zone state and the effects
 * gathered so far. Each transition builds one and returns it; the state
 * passed in is never changed.
 */

import { isoTime } from "../assess/classify.js";
import type { Assessment } from "../assess/types.js";
import {
  SYSTEM_ACTOR,
  type AlertKind,
  type Effect,
  type EvidenceSnapshot,
  type Milestone,
  type Phase,
  type ZoneState,
} from "./types.js";

export interface Draft {
  state: ZoneState;
  effects: Effect[];
  now: number;
}

export function startDraft(state: ZoneState, now: number): Draft {
  const copy: ZoneState = { ...state, warned: { ...state.warned } };
  if (state.incident)
    copy.incident = { ...state.incident, milestones: [...state.incident.milestones] };
  return { state: copy, effects: [], now };
}

/** The evidence kept with audit entries: the summaries, not the raw figures. */
export function snapshotOf(a: Assessment): EvidenceSnapshot {
  const s: EvidenceSnapshot = {
    at: a.at,
    status: a.status,
    widespread: { met: a.widespread.met, summary: a.widespread.evidence.summary },
    confirmed: { met: a.confirmed.met, summary: a.confirmed.evidence.summary },
    noSecurityValue: { met: a.noSecurityValue.met, summary: a.noSecurityValue.evidence.summary },
    lifetimeNote: a.lifetimeNote,
  };
  if (a.statusNote) s.statusNote = a.statusNote;
  if (a.noSecurityValue.tampering) s.tampering = a.noSecurityValue.tampering.summary;
  return s;
}

/** Enters a phase and writes the audit entry for it. */
export function moveTo(d: Draft, to: Phase, actor: string, action: string, reason: string): void {
  const from = d.state.phase;
  d.state.phase = to;
  d.state.since = d.now;
  const entry = { at: d.now, zone: d.state.zone, actor, action, from, to, reason };
  const evidence = d.state.lastEvidence;
  d.effects.push({ kind: "audit", entry: evidence ? { ...entry, evidence } : entry });
}

/** An audit entry without a change of phase. */
export function note(d: Draft, actor: string, action: string, reason: string): void {
  const { phase } = d.state;
  d.effects.push({
    kind: "audit",
    entry: { at: d.now, zone: d.state.zone, actor, action, from: phase, to: phase, reason },
  });
}

export function alert(
  d: Draft,
  kind: AlertKind,
  severity: "info" | "warning" | "critical",
  summary: string,
): void {
  d.effects.push({ kind: "alert", alert: { kind, zone: d.state.zone, severity, summary } });
}

export function openIncident(d: Draft, summary: string): void {
  d.state.incident = {
    id: `${d.state.zone}@${isoTime(d.now)}`,
    openedAt: d.now,
    milestones: [],
  };
  d.state.tamperingSeen = false;
  mark(d, "first-failure", SYSTEM_ACTOR, summary);
}

/**
 * Adds a milestone to the incident timeline. With `once`, a milestone
 * already recorded in this incident is not recorded again.
 */
export function mark(
  d: Draft,
  milestone: Milestone,
  actor: string,
  summary: string,
  once = false,
): void {
  const incident = d.state.incident;
  if (!incident) return;
  if (once && incident.milestones.includes(milestone)) return;
  incident.milestones.push(milestone);
  d.effects.push({
    kind: "timeline",
    entry: { incidentId: incident.id, zone: d.state.zone, at: d.now, milestone, actor, summary },
  });
}

/** Back to healthy: the incident closes. */
export function closeIncident(d: Draft, reason: string): void {
  mark(d, "recovery-seen", SYSTEM_ACTOR, reason, true);
  mark(d, "closed", SYSTEM_ACTOR, "incident closed: the zone is healthy again");
  moveTo(d, "healthy", SYSTEM_ACTOR, "close", reason);
  alert(d, "recovered", "info", `${d.state.zone} is healthy again`);
  delete d.state.incident;
  delete d.state.proposal;
  delete d.state.nta;
  delete d.state.candidate;
  d.state.recoveryRounds = 0;
  d.state.tamperingSeen = false;
}
