/**
 * One zone's step, from input to disk: read the zone's state from the store,
 * run the state machine, write the outcome in one transaction. Everything
 * between the read and the write is synchronous (the state machine is pure,
 * the store is synchronous), so no other event of the same zone can slip in
 * between: within one process the acts on a zone are serialized by the event
 * loop itself, and the store's revision check guards against a second one.
 */

import { assessZone } from "../assess/assess.js";
import {
  DEFAULT_EARLY_WARNING,
  earlyWarnings,
  type EarlyWarningSettings,
} from "../assess/early-warning.js";
import { updateLastKnownGood } from "../assess/last-known-good.js";
import type { Assessment, Confirmation } from "../assess/types.js";
import type { Thresholds } from "../config/thresholds.js";
import { initialState, transition } from "../lifecycle/transition.js";
import type {
  AuditEntry,
  Effect,
  TransitionError,
  ZoneEvent,
  ZoneState,
} from "../lifecycle/types.js";
import { withNotices } from "../notify/notices.js";
import type { Round } from "../probe/observation.js";
import type { Store, TransitionStep } from "../store/store.js";

export type Applied =
  | { ok: true; state: ZoneState; revision: number; effects: Effect[] }
  | { ok: false; error: TransitionError };

function current(store: Store, zone: string, now: number) {
  const stored = store.zone(zone);
  return stored
    ? { state: stored.state, revision: stored.revision }
    : { state: initialState(zone, now), revision: 0 };
}

/** A person's act or a tick, applied and stored. A refused event stores nothing. */
export function applyEvent(
  store: Store,
  zone: string,
  event: ZoneEvent,
  now: number,
  t: Thresholds,
): Applied {
  const { state, revision } = current(store, zone, now);
  const r = transition(state, event, now, t);
  if (!r.ok) return r;
  if (event.type === "tick" && r.effects.length === 0) {
    return { ok: true, state, revision, effects: [] };
  }
  const done = store.commit({
    zone,
    expectedRevision: revision,
    previous: state,
    // The alerts go to the outbox with the zone's state and the derived notices.
    steps: withNotices(state, [r]),
    now,
  });
  return { ok: true, state: done.state, revision: done.revision, effects: r.effects };
}

export interface RoundOutcome {
  assessment: Assessment;
  state: ZoneState;
  revision: number;
  effects: Effect[];
}

/**
 * Rounds of history the assessment reads: enough for the widespread streak
 * and for the recovery count, plus the one before (a streak's start).
 */
export function historyLength(t: Thresholds): number {
  return Math.max(t.consecutiveRounds, t.recoveryRounds) + 1;
}

/**
 * A probe round: assessed against the stored history, confirmations and last
 * known good; the NTA's expiry checked first (a tick), then the round's
 * transition; the round, the assessment, the new last known good, the
 * confirmations fetched for it and the transitions stored together.
 */
export function applyRound(
  store: Store,
  round: Round,
  now: number,
  t: Thresholds,
  fetched: readonly Confirmation[] = [],
  early: EarlyWarningSettings = DEFAULT_EARLY_WARNING,
): RoundOutcome {
  const zone = round.zone;
  const { state, revision } = current(store, zone, now);
  const history = [...store.recentRounds(zone, historyLength(t) - 1), round];
  const stored = store.confirmationsForAssessment(zone, now - t.confirmationMaxAgeSeconds);
  const lastKnownGood = store.lastKnownGood(zone);
  const assessment = assessZone(
    { zone, rounds: history, confirmations: distinct([...stored, ...fetched]), lastKnownGood, now },
    t,
  );
  const steps: TransitionStep[] = [];
  let s = state;
  for (const event of [{ type: "tick" }, { type: "round", assessment }] as ZoneEvent[]) {
    const r = transition(s, event, now, t);
    // A tick or a round of the zone itself is never refused; a refusal is a bug here.
    if (!r.ok) throw new Error(`${event.type} refused for ${zone}: ${r.error.message}`);
    steps.push(r);
    s = r.state;
  }
  // Early warnings of this round join its transaction (src/assess/early-warning.ts), and
  // every alert goes to the outbox with the zone's state and the derived notices.
  const noticed = withNotices(
    state,
    steps,
    earlyWarnings(history[history.length - 2], round, now, early),
  );
  const done = store.commit({
    zone,
    expectedRevision: revision,
    previous: state,
    steps: noticed,
    now,
    round,
    assessment,
    lastKnownGood: updateLastKnownGood(lastKnownGood, round),
    confirmations: fetched,
  });
  return {
    assessment,
    state: done.state,
    revision: done.revision,
    effects: noticed.flatMap((x) => x.effects),
  };
}

/** Confirmations once each: a feed item already stored is not counted twice. */
function distinct(cs: readonly Confirmation[]): Confirmation[] {
  const seen = new Map<string, Confirmation>();
  for (const c of cs) seen.set(`${c.source}\n${c.author}\n${c.reference}`, c);
  return [...seen.values()];
}

/** A person's confirmation: stored with its audit entry. */
export function recordManualConfirmation(
  store: Store,
  c: Confirmation,
  recordedBy: string,
  now: number,
): { added: boolean; phase: ZoneState["phase"] } {
  const { state } = current(store, c.zone, now);
  const entry: AuditEntry = {
    at: now,
    zone: c.zone,
    actor: recordedBy,
    action: "confirm",
    from: state.phase,
    to: state.phase,
    reason: `confirmation recorded: ${c.reference}`,
  };
  const added = store.recordConfirmations([c], now, [entry]) > 0;
  return { added, phase: state.phase };
}
