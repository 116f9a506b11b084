/**
 * What goes into the outbox, beyond the state machine's own alerts. Pure.
 *
 * - Every alert is stored with the zone's state after the transition (phase,
 *   the three preconditions with their evidence, proposal, NTA, incident)
 *   and a deduplication key, so a receiver gets the facts as they were when
 *   it happened, not when the alert finally got through.
 * - Some events deserve a message without being a lifecycle alert: a
 *   precondition that changed, an NTA in place on the resolvers, the first
 *   recovery seen, drift on a resolver, a proposal still waiting.
 */

import type { Alert, Effect, EvidenceSnapshot, Phase, ZoneState } from "../lifecycle/types.js";
import type { ReconcileAlert } from "../resolvers/runner.js";
import type { OutboxAlert } from "../store/outbox.js";
import type { ProposalRow } from "../store/rows.js";
import type { TransitionStep } from "../store/store.js";

export const PRECONDITION_NAMES = {
  widespread: "Widespread",
  confirmed: "Publicly confirmed",
  noSecurityValue: "No security value in rejecting",
} as const;

export type PreconditionKey = keyof typeof PRECONDITION_NAMES;
const KEYS = Object.keys(PRECONDITION_NAMES) as PreconditionKey[];

/** An alert as the outbox stores it. */
export interface Notice extends OutboxAlert {
  severity: Alert["severity"];
  dedupKey: string;
  phase?: Phase;
  since?: number;
  evidence?: EvidenceSnapshot;
  proposal?: { at: number; lifetimeSeconds: number; lifetimeNote: string };
  nta?: { approvedBy: string; expiresAt: number; deployedAt?: number };
  incidentId?: string;
  /** signatures-expiring: the horizon warned about. */
  horizon?: number;
  /** drift: the resolver concerned. */
  resolver?: string;
}

/** The state fields a receiver sees with an alert. */
export function enrich(
  alert: Alert & { horizon?: number },
  state: ZoneState,
): Notice & { kind: Alert["kind"] } {
  const n: Notice & { kind: Alert["kind"] } = {
    ...alert,
    phase: state.phase,
    since: state.since,
    dedupKey: "",
  };
  if (state.lastEvidence) n.evidence = state.lastEvidence;
  if (state.proposal) {
    const { at, lifetimeSeconds, lifetimeNote } = state.proposal;
    n.proposal = { at, lifetimeSeconds, lifetimeNote };
  }
  if (state.nta) {
    const { approvedBy, expiresAt, deployedAt } = state.nta;
    n.nta =
      deployedAt === undefined ? { approvedBy, expiresAt } : { approvedBy, expiresAt, deployedAt };
  }
  if (state.incident) n.incidentId = state.incident.id;
  if (alert.kind === "signatures-expiring") {
    const horizon = alert.horizon ?? state.warned.expiringHorizon;
    if (horizon !== undefined) n.horizon = horizon;
    n.dedupKey = `${alert.kind}|${alert.zone}|${horizon ?? ""}`;
  } else {
    n.dedupKey = `${alert.kind}|${alert.zone}|${state.phase}`;
  }
  return n;
}

const DECIDING: readonly Phase[] = ["degraded", "broken", "proposed"];

/** One alert when preconditions flip while a proposal is in the making. */
function preconditionChange(before: ZoneState, after: ZoneState): Alert | undefined {
  const a = before.lastEvidence;
  const b = after.lastEvidence;
  if (!a || !b) return undefined;
  // Before a decision only: once proposed, approved or ended, the lifecycle's own alerts say it.
  if (!DECIDING.includes(after.phase)) return undefined;
  const changed = KEYS.filter((k) => a[k].met !== b[k].met);
  if (changed.length === 0) return undefined;
  const words = changed.map(
    (k) =>
      `${PRECONDITION_NAMES[k]} ${b[k].met ? "now holds" : "no longer holds"} (${b[k].summary})`,
  );
  const gained = changed.some((k) => b[k].met);
  return {
    kind: "precondition-changed",
    zone: after.zone,
    severity: gained ? "warning" : "info",
    summary: `${after.zone}: ${words.join("; ")}`,
  };
}

/**
 * Milestones that deserve a message of their own. A recovery seen is news
 * only while an NTA is in force (the retraction waits for it); an incident
 * that closes without one gets the lifecycle's "healthy again" alert alone.
 */
function fromTimeline(before: ZoneState, step: TransitionStep): Alert[] {
  const out: Alert[] = [];
  const ntaInForce = before.phase === "active";
  const stillWaiting = step.state.phase === "active";
  for (const e of step.effects) {
    if (e.kind !== "timeline") continue;
    if (e.entry.milestone === "deployment") {
      out.push({
        kind: "deployed",
        zone: e.entry.zone,
        severity: "info",
        summary: e.entry.summary,
      });
    } else if (e.entry.milestone === "recovery-seen" && ntaInForce) {
      const next = stillWaiting
        ? "; the NTA is retracted once this holds for the configured rounds"
        : "";
      out.push({
        kind: "recovery-seen",
        zone: e.entry.zone,
        severity: "info",
        summary: `${e.entry.zone}: ${e.entry.summary}${next}`,
      });
    }
  }
  return out;
}

/**
 * The steps to commit, with every alert enriched and the derived alerts
 * added; `extra` (early warnings of the same round) joins the last step, so
 * all of it is stored in the transition's own transaction.
 */
export function withNotices(
  previous: ZoneState,
  steps: readonly TransitionStep[],
  extra: readonly Effect[] = [],
): TransitionStep[] {
  let before = previous;
  return steps.map((step, i) => {
    const after = step.state;
    const raised: Alert[] = [];
    const change = preconditionChange(before, after);
    if (change) raised.push(change);
    raised.push(...fromTimeline(before, step));
    const effects: Effect[] = [];
    const all = [...step.effects, ...raised.map((alert) => ({ kind: "alert", alert }) as Effect)];
    if (i === steps.length - 1) all.push(...extra);
    for (const e of all) {
      if (e.kind !== "alert") {
        effects.push(e);
        continue;
      }
      const n: Alert = enrich(e.alert, after);
      effects.push({ kind: "alert", alert: n });
    }
    before = after;
    return { state: after, effects };
  });
}

/** A resolver reconciliation's findings, as outbox alerts. */
export function driftNotices(alerts: readonly ReconcileAlert[]): Notice[] {
  return alerts.map((a) => ({
    kind: "drift",
    zone: a.zone ?? "",
    severity: a.severity,
    summary: a.summary,
    resolver: a.resolver,
    detail: a.kind,
    dedupKey: `drift|${a.resolver}|${a.kind}|${a.zone ?? ""}`,
  }));
}

/**
 * Proposals still waiting, recalled every `intervalSeconds` after the
 * proposal or the last reminder (`lastAt`: when an alert of kind proposal or
 * proposal-reminder was last raised for the zone).
 */
export function remindersDue(
  open: readonly Pick<
    ProposalRow,
    "zone" | "proposedAt" | "lifetimeSeconds" | "lifetimeNote" | "evidence" | "incidentId"
  >[],
  lastAt: (zone: string) => number | undefined,
  now: number,
  intervalSeconds: number,
): Notice[] {
  const out: Notice[] = [];
  for (const p of open) {
    const last = Math.max(p.proposedAt, lastAt(p.zone) ?? p.proposedAt);
    if (now - last < intervalSeconds) continue;
    const minutes = Math.floor((now - p.proposedAt) / 60);
    const n: Notice = {
      kind: "proposal-reminder",
      zone: p.zone,
      severity: "critical",
      summary: `the NTA proposal for ${p.zone} has waited ${minutes} min for a person's approval`,
      phase: "proposed",
      evidence: p.evidence,
      proposal: {
        at: p.proposedAt,
        lifetimeSeconds: p.lifetimeSeconds,
        lifetimeNote: p.lifetimeNote,
      },
      // Each reminder is its own message: never held back as a repeat.
      dedupKey: `proposal-reminder|${p.zone}|${p.proposedAt}|${now}`,
    };
    if (p.incidentId) n.incidentId = p.incidentId;
    out.push(n);
  }
  return out;
}
