/**
 * Whether a round reached anything: how many recursive vantages and
 * authoritative servers answered, and why the others did not. A round in
 * which nothing answered concludes nothing about the zone (RFC 4035 §4.3:
 * indeterminate, never bogus); people must see that it is the watcher's
 * reach that failed, not the zone. The same holds for a round in which the
 * only answers came from vantages the widespread precondition leaves out
 * (their control zones fail too, or never answered: DESIGN, precondition
 * 1): those answers say nothing about the zone. Pure: the round is passed in.
 */

import type { Observation, ProbeError, Round } from "../probe/observation.js";
import { vantageKey } from "./classify.js";
import type { RoundFigures } from "./types.js";

/** How many of one kind of path answered, and why the others did not. */
export interface PathReach {
  total: number;
  reachable: number;
  /** Silent paths by the reason of their last probe ("timeout", "refused", ...). */
  silent: Partial<Record<ProbeError["kind"] | "no-answer", number>>;
}

export interface Reach {
  vantages: PathReach;
  authoritatives: PathReach;
  /** Nothing answered at all: the round says nothing about the zone. */
  none: boolean;
}

const WORDS: Record<keyof PathReach["silent"], string> = {
  timeout: "timed out",
  unreachable: "unreachable",
  refused: "refused",
  network: "network error",
  "no-answer": "no answer",
};

function pathReach(observations: readonly Observation[]): PathReach {
  const byPath = new Map<string, Observation[]>();
  for (const o of observations) {
    const key = vantageKey(o.vantage);
    byPath.set(key, [...(byPath.get(key) ?? []), o]);
  }
  const out: PathReach = { total: byPath.size, reachable: 0, silent: {} };
  for (const probes of byPath.values()) {
    if (probes.some((o) => o.reachable)) {
      out.reachable++;
      continue;
    }
    const why = probes.find((o) => o.error)?.error?.kind ?? "no-answer";
    out.silent[why] = (out.silent[why] ?? 0) + 1;
  }
  return out;
}

export function reachOf(round: Round): Reach {
  const vantages = pathReach(round.observations.filter((o) => o.vantage.kind === "recursive"));
  const authoritatives = pathReach(
    round.observations.filter((o) => o.vantage.kind === "authoritative"),
  );
  return {
    vantages,
    authoritatives,
    none: vantages.reachable === 0 && authoritatives.reachable === 0,
  };
}

function reasons(p: PathReach): string {
  if (p.total === 0) return "none known";
  // Most frequent reason first.
  return Object.entries(p.silent)
    .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
    .map(([kind, n]) => `${n} of ${p.total} ${WORDS[kind as keyof PathReach["silent"]]}`)
    .join(", ");
}

/**
 * In words, for a round that reached nothing, e.g. "no vantage reachable
 * (4 of 4 timed out), no authoritative server reachable (none discovered)";
 * undefined when something answered.
 */
export function unreachableSummary(round: Round): string | undefined {
  const r = reachOf(round);
  if (!r.none) return undefined;
  const auth =
    r.authoritatives.total === 0
      ? "none discovered: the delegation could not be followed"
      : reasons(r.authoritatives);
  return (
    `no vantage reachable (${reasons(r.vantages)}), ` +
    `no authoritative server reachable (${auth})`
  );
}

/**
 * In words, for a round in which no path counts: nothing answered (as
 * `unreachableSummary`), or the vantages that answered are all left out and
 * no authoritative server answered, e.g. "no vantage counted (8 of 8 fail
 * the control zones as well, so their answers say nothing about the zone),
 * no authoritative server reachable (4 of 4 timed out)"; undefined when a
 * vantage or an authoritative server counts.
 */
export function uncountedSummary(round: Round, f: RoundFigures): string | undefined {
  if (f.vantagesCounted > 0 || f.authoritativesCounted > 0) return undefined;
  const unreachable = unreachableSummary(round);
  if (unreachable) return unreachable;
  const r = reachOf(round);
  const total = r.vantages.total;
  const why: string[] = [];
  if (f.vantagesControlFailed.length > 0) {
    why.push(
      `${f.vantagesControlFailed.length} of ${total} fail the control zones as well, ` +
        `so their answers say nothing about the zone`,
    );
  }
  if (f.vantagesWithoutControl.length > 0) {
    why.push(
      `${f.vantagesWithoutControl.length} of ${total} without a control-zone answer ` +
        `(are control zones configured?)`,
    );
  }
  if (r.vantages.reachable < total) why.push(reasons(r.vantages));
  const auth =
    r.authoritatives.total === 0
      ? "none discovered: the delegation could not be followed"
      : reasons(r.authoritatives);
  return `no vantage counted (${why.join("; ")}), no authoritative server reachable (${auth})`;
}
