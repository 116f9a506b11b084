/**
 * Drives the pure core the way the service will: for each round, assess it
 * against the history, feed the assessment to the state machine, record
 * the last known good, let time pass; people's events go in between rounds.
 */

import { assessZone } from "../../src/assess/assess.js";
import { updateLastKnownGood, type LastKnownGood } from "../../src/assess/last-known-good.js";
import type { Assessment, Confirmation } from "../../src/assess/types.js";
import { DEFAULT_THRESHOLDS, type Thresholds } from "../../src/config/thresholds.js";
import { initialState, transition } from "../../src/lifecycle/transition.js";
import type { Effect, ZoneEvent, ZoneState } from "../../src/lifecycle/types.js";
import type { Round } from "../../src/probe/observation.js";

export interface Driven {
  final: ZoneState;
  phases: string[];
  assessments: Assessment[];
  effects: Effect[];
  errors: string[];
}

export interface DriveOptions {
  t?: Thresholds;
  confirmations?: readonly Confirmation[];
  /** Events by people, applied after the round with that index. */
  after?: Record<number, ZoneEvent[]>;
  lastKnownGood?: LastKnownGood;
}

export function drive(zone: string, rounds: readonly Round[], opts: DriveOptions = {}): Driven {
  const t = opts.t ?? DEFAULT_THRESHOLDS;
  let state = initialState(zone, rounds[0]?.at ?? 0);
  let lkg: LastKnownGood = opts.lastKnownGood ?? {};
  const out: Driven = { final: state, phases: [], assessments: [], effects: [], errors: [] };
  const apply = (event: ZoneEvent, now: number) => {
    const r = transition(state, event, now, t);
    if (!r.ok) {
      out.errors.push(`${r.error.code}: ${r.error.message}`);
      return;
    }
    state = r.state;
    out.effects.push(...r.effects);
  };
  rounds.forEach((round, i) => {
    const history = rounds.slice(Math.max(0, i - t.consecutiveRounds - 1), i + 1);
    const assessment = assessZone(
      {
        zone,
        rounds: history,
        confirmations: opts.confirmations ?? [],
        lastKnownGood: lkg,
        now: round.at,
      },
      t,
    );
    out.assessments.push(assessment);
    apply({ type: "tick" }, round.at);
    apply({ type: "round", assessment }, round.at);
    lkg = updateLastKnownGood(lkg, round);
    for (const e of opts.after?.[i] ?? []) apply(e, round.at + 1);
    out.phases.push(state.phase);
  });
  out.final = state;
  return out;
}

export const alertsOf = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.kind === "alert" ? [e.alert] : []));

export const timelineOf = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.kind === "timeline" ? [e.entry] : []));

export const auditOf = (effects: readonly Effect[]) =>
  effects.flatMap((e) => (e.kind === "audit" ? [e.entry] : []));
