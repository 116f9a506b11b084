/**
 * Reconciliation, the pure part: what one resolver should be told, given
 * the NTAs that should be in force, what the resolver reports, and the
 * ledger of what nta-watch applied there. No I/O; the clock is an argument.
 *
 * The rules, per zone:
 *
 * | desired | on the resolver       | in our ledger | finding        | action |
 * |---------|-----------------------|---------------|----------------|--------|
 * | yes     | yes                   | yes           | in sync        | none (BIND: refresh when it would expire early) |
 * | yes     | yes                   | no            | foreign        | none: a person's NTA already covers it |
 * | yes     | no (or expired, partial) | yes        | missing        | add (drift: removed by hand, or a restart) |
 * | yes     | no                    | no            | new            | add (the first push) |
 * | no      | yes                   | yes           | left-behind    | remove |
 * | no      | yes                   | no            | foreign        | none: reported, never removed |
 * | no      | no                    | yes           | (forgotten)    | drop from the ledger |
 *
 * RFC 7646 §2.1: an NTA a person put on a resolver is that person's call;
 * nta-watch reports it and leaves it.
 */
import type { NtaEntry } from "./types.js";

/** An NTA that should be in force: the lifecycle's `apply-nta` effect. */
export interface DesiredNta {
  /** Lowercase presentation form with the trailing dot. */
  zone: string;
  /** ms since the epoch. */
  expiresAt: number;
  reason: string;
}

export type DriftKind =
  /** Ours, desired, gone from the resolver (removed by hand, lost in a restart). */
  | "missing"
  /** Ours, no longer desired, still on the resolver. */
  | "left-behind"
  /** On the resolver, never applied by nta-watch. */
  | "foreign"
  /** Ours, but the resolver's own lifetime ends well before ours (BIND). */
  | "expires-early"
  /** Held by only some processes of the resolver (kresd). */
  | "partial";

export interface Drift {
  zone: string;
  kind: DriftKind;
  /** What the resolver printed, for the report. */
  detail?: string;
}

export type PlannedAction =
  | {
      op: "add";
      zone: string;
      lifetimeSeconds: number;
      reason: string;
      why: "new" | "missing" | "expires-early" | "partial";
    }
  | { op: "remove"; zone: string; why: "left-behind" };

export interface ResolverPlan {
  actions: PlannedAction[];
  drift: Drift[];
  /** Zones to drop from the ledger: ours, not desired, already gone. */
  forget: string[];
  /** Desired zones the resolver holds as it should. */
  inSync: string[];
}

export interface DiffOptions {
  /**
   * A resolver-side expiry this much earlier than ours is refreshed (BIND
   * rounds to seconds and caps at a week). Default one minute.
   */
  earlyExpiryMarginMs?: number;
}

/** The desired NTAs still in force at `now`, one per zone (the latest expiry wins). */
export function inForce(desired: readonly DesiredNta[], now: number): Map<string, DesiredNta> {
  const out = new Map<string, DesiredNta>();
  for (const d of desired) {
    if (d.expiresAt <= now) continue;
    const known = out.get(d.zone);
    if (!known || known.expiresAt < d.expiresAt) out.set(d.zone, d);
  }
  return out;
}

/** Seconds from `now` to `expiresAt`, rounded up; at least one. */
export function lifetimeSeconds(expiresAt: number, now: number): number {
  return Math.max(1, Math.ceil((expiresAt - now) / 1000));
}

/**
 * The plan for one resolver. `listed` is what the resolver reports;
 * `ledger` the zones nta-watch applied on it and has not yet removed.
 */
export function diffResolver(
  desired: readonly DesiredNta[],
  listed: readonly NtaEntry[],
  ledger: ReadonlySet<string>,
  now: number,
  options: DiffOptions = {},
): ResolverPlan {
  const margin = options.earlyExpiryMarginMs ?? 60_000;
  const want = inForce(desired, now);
  const held = new Map<string, NtaEntry>();
  for (const e of listed) if (!held.has(e.zone)) held.set(e.zone, e);

  const plan: ResolverPlan = { actions: [], drift: [], forget: [], inSync: [] };
  const add = (d: DesiredNta, why: "new" | "missing" | "expires-early" | "partial"): void => {
    plan.actions.push({
      op: "add",
      zone: d.zone,
      lifetimeSeconds: lifetimeSeconds(d.expiresAt, now),
      reason: d.reason,
      why,
    });
  };

  for (const d of [...want.values()].sort((a, b) => a.zone.localeCompare(b.zone))) {
    const e = held.get(d.zone);
    const ours = ledger.has(d.zone);
    const live =
      e !== undefined && !e.expired && !(e.expiresAt !== undefined && e.expiresAt <= now);
    if (live && e.partial) {
      plan.drift.push({ zone: d.zone, kind: "partial", detail: e.raw });
      add(d, "partial");
    } else if (live && !ours) {
      plan.drift.push({ zone: d.zone, kind: "foreign", detail: e.raw });
    } else if (live) {
      if (e.expiresAt !== undefined && e.expiresAt < d.expiresAt - margin) {
        plan.drift.push({
          zone: d.zone,
          kind: "expires-early",
          detail: `resolver drops it at ${new Date(e.expiresAt).toISOString()}`,
        });
        add(d, "expires-early");
      } else {
        plan.inSync.push(d.zone);
      }
    } else if (ours) {
      plan.drift.push({ zone: d.zone, kind: "missing" });
      add(d, "missing");
    } else {
      add(d, "new");
    }
  }

  for (const [zone, e] of [...held.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (want.has(zone)) continue;
    if (ledger.has(zone)) {
      plan.drift.push({ zone, kind: "left-behind", detail: e.raw });
      plan.actions.push({ op: "remove", zone, why: "left-behind" });
    } else if (!e.expired) {
      plan.drift.push({ zone, kind: "foreign", detail: e.raw });
    }
  }

  for (const zone of [...ledger].sort()) {
    if (!want.has(zone) && !held.has(zone)) plan.forget.push(zone);
  }
  return plan;
}
