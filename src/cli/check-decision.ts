/**
 * What `nta-watch check` says beyond the probe round: the three
 * preconditions (DESIGN.md) with their evidence, and what the lifecycle
 * would do with this round. The round is assessed together with whatever
 * history the configured store holds (earlier rounds, confirmations, the
 * last known good data, the zone's state), read only: `check` never writes
 * the store. Without a store, the round stands alone, and a threshold of
 * several rounds says honestly that one round is not enough.
 */

import { existsSync } from "node:fs";
import path from "node:path";
import { assessZone } from "../assess/assess.js";
import type { LastKnownGood } from "../assess/last-known-good.js";
import type { Assessment, Confirmation } from "../assess/types.js";
import type { Config } from "../config/schema.js";
import { initialState, transition } from "../lifecycle/transition.js";
import type { Effect, Phase, ZoneEvent, ZoneState } from "../lifecycle/types.js";
import type { Round } from "../probe/observation.js";
import { historyLength } from "../service/apply.js";
import { openDatabase } from "../store/db.js";
import { StoreReader } from "../store/reads.js";

export interface PreconditionView {
  met: boolean;
  evidence: string;
}

export interface CheckDecision {
  preconditions: {
    widespread: PreconditionView & { rounds: { streak: number; required: number } };
    confirmed: PreconditionView;
    noSecurityValue: PreconditionView & { tampering?: string };
  };
  history: {
    /** The store read, or null when none exists. */
    store: string | null;
    /** Earlier rounds of the zone taken from it. */
    rounds: number;
    confirmations: number;
    /** Why the store could not be read, when it could not. */
    error?: string;
  };
  lifecycle: {
    /** The zone's phase now (from the store, else healthy). */
    phase: Phase;
    /** The phase after this round. */
    next: Phase;
    /** Would this round propose an NTA (awaiting a person's approval)? */
    proposes: boolean;
    /** Two of three: the missing precondition. */
    candidate?: string;
    /** The audit actions the transition would write. */
    actions: string[];
    /** The alerts it would raise. */
    alerts: string[];
    summary: string;
  };
}

interface History {
  store: string | null;
  state: ZoneState | undefined;
  rounds: Round[];
  confirmations: Confirmation[];
  lastKnownGood: LastKnownGood;
  error?: string;
}

function readHistory(config: Config, configFile: string, zone: string, now: number): History {
  const empty: History = {
    store: null,
    state: undefined,
    rounds: [],
    confirmations: [],
    lastKnownGood: {},
  };
  const file = path.resolve(path.dirname(path.resolve(configFile)), config.store.path);
  if (!existsSync(file)) return empty;
  try {
    const db = openDatabase(file, { now, readonly: true });
    try {
      const r = new StoreReader(db);
      const t = config.thresholds;
      return {
        store: file,
        state: r.zone(zone)?.state,
        rounds: r.recentRounds(zone, historyLength(t) - 1),
        confirmations: r.confirmationsForAssessment(zone, now - t.confirmationMaxAgeSeconds),
        lastKnownGood: r.lastKnownGood(zone),
      };
    } finally {
      db.close();
    }
  } catch (e) {
    return { ...empty, store: file, error: (e as Error).message };
  }
}

function describe(before: Phase, after: Phase, effects: readonly Effect[], a: Assessment): string {
  if (after === "proposed" && before !== "proposed") {
    return `would propose an NTA (a person must approve it); ${a.lifetimeNote}`;
  }
  if (after === "blocked" && before !== "blocked") {
    return "would block: the data points to tampering, no NTA, an alarm";
  }
  if (effects.some((e) => e.kind === "remove-nta")) return `would retract the NTA (${after})`;
  if (before === after) return `would stay ${after}`;
  return `would move from ${before} to ${after}`;
}

/** The preconditions and the lifecycle's next step for this round of `zone`. */
export function checkDecision(
  round: Round,
  config: Config,
  configFile: string,
  now: number,
): CheckDecision {
  const zone = round.zone;
  const t = config.thresholds;
  const h = readHistory(config, configFile, zone, now);
  const a = assessZone(
    {
      zone,
      rounds: [...h.rounds, round],
      confirmations: h.confirmations,
      lastKnownGood: h.lastKnownGood,
      now,
    },
    t,
  );
  const before = h.state ?? initialState(zone, now);
  let state = before;
  const effects: Effect[] = [];
  for (const event of [{ type: "tick" }, { type: "round", assessment: a }] as ZoneEvent[]) {
    const r = transition(state, event, now, t);
    if (!r.ok) throw new Error(`${event.type} refused for ${zone}: ${r.error.message}`);
    state = r.state;
    effects.push(...r.effects);
  }
  const w = a.widespread.evidence.figures;
  const view = (p: { met: boolean; evidence: { summary: string } }): PreconditionView => ({
    met: p.met,
    evidence: p.evidence.summary,
  });
  return {
    preconditions: {
      widespread: {
        ...view(a.widespread),
        rounds: { streak: w.streak, required: w.required },
      },
      confirmed: view(a.confirmed),
      noSecurityValue: {
        ...view(a.noSecurityValue),
        ...(a.noSecurityValue.tampering ? { tampering: a.noSecurityValue.tampering.summary } : {}),
      },
    },
    history: {
      store: h.store,
      rounds: h.rounds.length,
      confirmations: h.confirmations.length,
      ...(h.error !== undefined ? { error: h.error } : {}),
    },
    lifecycle: {
      phase: before.phase,
      next: state.phase,
      proposes: state.phase === "proposed" && before.phase !== "proposed",
      ...(state.candidate ? { candidate: state.candidate.summary } : {}),
      actions: effects.flatMap((e) => (e.kind === "audit" ? [e.entry.action] : [])),
      alerts: effects.flatMap((e) => (e.kind === "alert" ? [e.alert.summary] : [])),
      summary: describe(before.phase, state.phase, effects, a),
    },
  };
}

const mark = (met: boolean): string => (met ? "met    " : "not met");

/** The decision as text for people. */
export function renderDecision(d: CheckDecision): string {
  const p = d.preconditions;
  const w = p.widespread.rounds;
  const source =
    d.history.store === null
      ? "this round alone (no store)"
      : d.history.error !== undefined
        ? `this round alone (store ${d.history.store} unreadable: ${d.history.error})`
        : `this round and ${d.history.rounds} earlier round(s) from ${d.history.store}`;
  const lines = [
    `preconditions, from ${source}:`,
    `  widespread        ${mark(p.widespread.met)}  ${w.streak} of ${w.required} rounds; ${p.widespread.evidence}`,
    `  confirmed         ${mark(p.confirmed.met)}  ${p.confirmed.evidence}`,
    `  no security value ${mark(p.noSecurityValue.met)}  ${p.noSecurityValue.evidence}`,
  ];
  if (p.noSecurityValue.tampering) lines.push(`  TAMPERING: ${p.noSecurityValue.tampering}`);
  const l = d.lifecycle;
  lines.push(`lifecycle: ${l.phase} -> ${l.next}: ${l.summary}`);
  if (l.candidate) lines.push(`  ${l.candidate}`);
  return lines.join("\n");
}
