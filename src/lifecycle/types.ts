/**
 * The per-zone NTA lifecycle: states, the events that move them, and the
 * effects a transition asks the edges to carry out (audit log, alerts,
 * resolver updates, incident timeline). Effects are data; nothing here does
 * I/O.
 */

import type { Assessment } from "../assess/types.js";

/**
 * healthy -> degraded -> broken -> proposed -(person)-> active, with the
 * ends rejected, withdrawn, blocked, expired and retracted, each of which
 * returns to healthy when the zone is healthy again.
 */
export type Phase =
  | "healthy"
  | "degraded"
  | "broken"
  | "proposed"
  | "active"
  | "rejected"
  | "withdrawn"
  | "blocked"
  | "expired"
  | "retracted";

export const END_PHASES: readonly Phase[] = [
  "rejected",
  "withdrawn",
  "blocked",
  "expired",
  "retracted",
];

/** The actor of automatic transitions. Never a valid approver. */
export const SYSTEM_ACTOR = "nta-watch";

/** The evidence that held when a transition happened, as kept in the audit log. */
export interface EvidenceSnapshot {
  at: number;
  status: Assessment["status"];
  statusNote?: string;
  widespread: { met: boolean; summary: string };
  confirmed: { met: boolean; summary: string };
  noSecurityValue: { met: boolean; summary: string };
  tampering?: string;
  lifetimeNote?: string;
}

export type Precondition = "widespread" | "confirmed" | "noSecurityValue";

/** Two of three preconditions hold: shown to people, with the one missing. */
export interface Candidate {
  missing: Precondition;
  summary: string;
}

export type Milestone =
  | "first-failure"
  | "widespread"
  | "confirmation"
  | "proposal"
  | "approval"
  | "deployment"
  | "extension"
  | "recovery-seen"
  | "retraction"
  | "expiry"
  | "rejection"
  | "withdrawal"
  | "tampering"
  | "closed";

export interface Incident {
  /** "<zone>@<ISO time of the first failure>". */
  id: string;
  openedAt: number;
  /** Milestones recorded so far, to record the once-only ones once. */
  milestones: Milestone[];
}

export interface Proposal {
  at: number;
  lifetimeSeconds: number;
  lifetimeNote: string;
  evidence: EvidenceSnapshot;
}

export interface Nta {
  approvedBy: string;
  approvedAt: number;
  expiresAt: number;
  reason: string;
  deployedAt?: number;
}

export interface ZoneState {
  zone: string;
  phase: Phase;
  /** When the current phase was entered. */
  since: number;
  incident?: Incident;
  proposal?: Proposal;
  nta?: Nta;
  /** Consecutive rounds valid everywhere while active (RFC 7646 §4). */
  recoveryRounds: number;
  /** Tampering evidence was seen in the current incident: never propose again in it. */
  tamperingSeen: boolean;
  candidate?: Candidate;
  lastEvidence?: EvidenceSnapshot;
  /** Warnings already sent, so each is sent once. */
  warned: { expiringHorizon?: number; clockSuspect: boolean };
}

export type ZoneEvent =
  | { type: "round"; assessment: Assessment }
  | { type: "approve"; actor: string; lifetimeSeconds: number; reason: string }
  | { type: "reject"; actor: string; reason: string }
  | { type: "retract"; actor: string; reason: string }
  | { type: "extend"; actor: string; lifetimeSeconds: number; reason: string }
  /** The resolver adapters applied the NTA on these resolvers. */
  | { type: "deployed"; resolvers: string[] }
  /** Time passes: expiry of the NTA. */
  | { type: "tick" };

export interface AuditEntry {
  at: number;
  zone: string;
  /** A person, or SYSTEM_ACTOR for automatic transitions. */
  actor: string;
  action: string;
  from: Phase;
  to: Phase;
  reason: string;
  evidence?: EvidenceSnapshot;
}

export type AlertKind =
  | "failure"
  | "widespread"
  | "proposal"
  | "approved"
  | "rejected"
  | "withdrawn"
  | "tampering"
  | "recovered"
  | "retracted"
  | "expired"
  | "clock-suspect"
  | "signatures-expiring"
  // Raised beside the state machine: by the early warning (src/assess/early-warning.ts)
  // and by the notifier from a transition's effects and the resolvers' reports.
  | "key-rollover"
  | "precondition-changed"
  | "deployed"
  | "recovery-seen"
  | "proposal-reminder"
  | "drift";

export interface Alert {
  kind: AlertKind;
  zone: string;
  severity: "info" | "warning" | "critical";
  summary: string;
}

export interface TimelineEntry {
  incidentId: string;
  zone: string;
  at: number;
  milestone: Milestone;
  actor: string;
  summary: string;
}

export type Effect =
  | { kind: "audit"; entry: AuditEntry }
  | { kind: "alert"; alert: Alert }
  | { kind: "apply-nta"; zone: string; expiresAt: number; reason: string }
  | { kind: "remove-nta"; zone: string; reason: string }
  | { kind: "timeline"; entry: TimelineEntry };

export type TransitionErrorCode =
  | "not-allowed-in-phase"
  | "not-a-person"
  | "reason-missing"
  | "lifetime-out-of-range"
  | "zone-mismatch";

export interface TransitionError {
  code: TransitionErrorCode;
  message: string;
  phase: Phase;
  event: ZoneEvent["type"];
}

export type TransitionResult =
  { ok: true; state: ZoneState; effects: Effect[] } | { ok: false; error: TransitionError };
