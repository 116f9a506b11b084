/**
 * Reconciliation, the I/O part: for every resolver at once, read its NTAs,
 * plan with diffResolver, carry the plan out (or only report it in dry-run
 * mode), and keep the ledger of what nta-watch applied. Resolvers run
 * independently, each within its own time budget, so one that is down holds
 * up nobody. Each operation is retried with exponential backoff up to a cap;
 * only failures that may pass (timeouts, refused or lost connections, bad
 * replies) are retried.
 *
 * The report is data for metrics and alerts: per resolver, whether it was
 * reachable, the drift found, each action with its outcome and attempts.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import { diffResolver, type DesiredNta, type Drift, type PlannedAction } from "./reconcile.js";
import type { AdapterError, AdapterKind, NtaEntry, ResolverAdapter, Result } from "./types.js";

/** What nta-watch applied on each resolver and has not removed since. */
export interface Ledger {
  applied(resolver: string): Promise<ReadonlySet<string>>;
  recordApplied(resolver: string, zone: string): Promise<void>;
  recordRemoved(resolver: string, zone: string): Promise<void>;
}

/** A ledger in memory, for tests and for a store that has none yet. */
export class MemoryLedger implements Ledger {
  private readonly zones = new Map<string, Set<string>>();

  applied(resolver: string): Promise<ReadonlySet<string>> {
    return Promise.resolve(new Set(this.zones.get(resolver) ?? []));
  }
  recordApplied(resolver: string, zone: string): Promise<void> {
    const set = this.zones.get(resolver) ?? new Set<string>();
    set.add(zone);
    this.zones.set(resolver, set);
    return Promise.resolve();
  }
  recordRemoved(resolver: string, zone: string): Promise<void> {
    this.zones.get(resolver)?.delete(zone);
    return Promise.resolve();
  }
}

export interface RetryPolicy {
  /** Attempts per operation, the first included. */
  attempts: number;
  /** Wait before the second attempt, ms; doubled each time. */
  backoffMs: number;
  /** Longest wait between attempts, ms. */
  backoffCapMs: number;
}

export interface RunnerOptions {
  adapters: readonly ResolverAdapter[];
  desired: readonly DesiredNta[];
  ledger: Ledger;
  /** Wall clock, ms since the epoch (lifetimes and expiries). */
  now: () => number;
  retry: RetryPolicy;
  /** All the work on one resolver, ms. */
  resolverBudgetMs: number;
  dryRun: boolean;
  /** Injected for tests; default node:timers/promises. */
  sleep?: (ms: number) => Promise<void>;
  /** Monotonic ms for budgets; default performance.now. */
  monotonic?: () => number;
}

export interface ActionOutcome {
  action: PlannedAction;
  /** False in dry-run mode: planned only. */
  attempted: boolean;
  ok: boolean;
  attempts: number;
  error?: AdapterError;
}

export interface ResolverReport {
  resolver: string;
  adapter: AdapterKind;
  reachable: boolean;
  /** Why the NTAs could not be read, or why the budget ran out. */
  error?: AdapterError;
  listed: NtaEntry[];
  drift: Drift[];
  actions: ActionOutcome[];
  pushesOk: number;
  pushesFailed: number;
}

export interface ReconcileReport {
  at: number;
  dryRun: boolean;
  resolvers: ResolverReport[];
}

const RETRYABLE = new Set(["timeout", "refused", "unreachable", "bad-reply"]);

/** The wait before attempt `n` (n >= 2). */
export function backoffDelay(policy: RetryPolicy, n: number): number {
  return Math.min(policy.backoffCapMs, policy.backoffMs * 2 ** (n - 2));
}

interface Budget {
  left(): number;
}

async function withRetries<T>(
  op: () => Promise<Result<T>>,
  policy: RetryPolicy,
  budget: Budget,
  sleep: (ms: number) => Promise<void>,
): Promise<{ result: Result<T>; attempts: number }> {
  let result = await op();
  let attempts = 1;
  while (!result.ok && RETRYABLE.has(result.error.kind) && attempts < policy.attempts) {
    const wait = backoffDelay(policy, attempts + 1);
    if (wait >= budget.left()) break;
    await sleep(wait);
    result = await op();
    attempts++;
  }
  return { result, attempts };
}

async function reconcileOne(
  adapter: ResolverAdapter,
  o: RunnerOptions,
  budget: Budget,
  sleep: (ms: number) => Promise<void>,
): Promise<ResolverReport> {
  const report: ResolverReport = {
    resolver: adapter.name,
    adapter: adapter.kind,
    reachable: false,
    listed: [],
    drift: [],
    actions: [],
    pushesOk: 0,
    pushesFailed: 0,
  };
  const listed = await withRetries(() => adapter.list(), o.retry, budget, sleep);
  if (!listed.result.ok) {
    report.error = listed.result.error;
    return report;
  }
  report.reachable = true;
  report.listed = listed.result.value;
  const ledger = await o.ledger.applied(adapter.name);
  const plan = diffResolver(o.desired, report.listed, ledger, o.now());
  report.drift = plan.drift;

  for (const action of plan.actions) {
    if (o.dryRun) {
      report.actions.push({ action, attempted: false, ok: false, attempts: 0 });
      continue;
    }
    const run =
      action.op === "add"
        ? () =>
            adapter.add(action.zone, {
              lifetimeSeconds: action.lifetimeSeconds,
              reason: action.reason,
            })
        : () => adapter.remove(action.zone);
    const { result, attempts } = await withRetries(run, o.retry, budget, sleep);
    const outcome: ActionOutcome = { action, attempted: true, ok: result.ok, attempts };
    if (!result.ok) outcome.error = result.error;
    report.actions.push(outcome);
    if (result.ok) {
      report.pushesOk++;
      if (action.op === "add") await o.ledger.recordApplied(adapter.name, action.zone);
      else await o.ledger.recordRemoved(adapter.name, action.zone);
    } else {
      report.pushesFailed++;
    }
  }
  if (!o.dryRun) for (const zone of plan.forget) await o.ledger.recordRemoved(adapter.name, zone);
  return report;
}

/** One pass over every resolver; never rejects. */
export async function reconcile(o: RunnerOptions): Promise<ReconcileReport> {
  const sleep = o.sleep ?? ((ms: number) => delay(ms));
  const monotonic = o.monotonic ?? (() => performance.now());
  const at = o.now();
  const resolvers = await Promise.all(
    o.adapters.map(async (adapter): Promise<ResolverReport> => {
      const start = monotonic();
      const budget: Budget = { left: () => o.resolverBudgetMs - (monotonic() - start) };
      let timer: NodeJS.Timeout | undefined;
      const overrun = new Promise<ResolverReport>((resolve) => {
        timer = setTimeout(
          () =>
            resolve({
              resolver: adapter.name,
              adapter: adapter.kind,
              reachable: false,
              error: { kind: "timeout", message: `no result within ${o.resolverBudgetMs} ms` },
              listed: [],
              drift: [],
              actions: [],
              pushesOk: 0,
              pushesFailed: 0,
            }),
          o.resolverBudgetMs,
        );
      });
      try {
        return await Promise.race([
          reconcileOne(adapter, o, budget, sleep).catch((e: unknown): ResolverReport => ({
            resolver: adapter.name,
            adapter: adapter.kind,
            reachable: false,
            error: { kind: "bad-reply", message: `adapter failed: ${String(e)}` },
            listed: [],
            drift: [],
            actions: [],
            pushesOk: 0,
            pushesFailed: 0,
          })),
          overrun,
        ]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { at, dryRun: o.dryRun, resolvers };
}

/** Per-resolver counts for metrics: pushes by outcome, drift by kind. */
export function reportCounts(report: ReconcileReport): {
  resolver: string;
  up: boolean;
  pushesOk: number;
  pushesFailed: number;
  drift: Partial<Record<Drift["kind"], number>>;
}[] {
  return report.resolvers.map((r) => {
    const drift: Partial<Record<Drift["kind"], number>> = {};
    for (const d of r.drift) drift[d.kind] = (drift[d.kind] ?? 0) + 1;
    return {
      resolver: r.resolver,
      up: r.reachable,
      pushesOk: r.pushesOk,
      pushesFailed: r.pushesFailed,
      drift,
    };
  });
}

export interface ReconcileAlert {
  resolver: string;
  severity: "warning" | "critical";
  kind: "resolver-unreachable" | "push-failed" | "foreign-nta" | "drift-repaired";
  zone?: string;
  summary: string;
}

/** What deserves a person's attention in a report. */
export function reconcileAlerts(report: ReconcileReport): ReconcileAlert[] {
  const alerts: ReconcileAlert[] = [];
  for (const r of report.resolvers) {
    if (!r.reachable) {
      alerts.push({
        resolver: r.resolver,
        severity: "critical",
        kind: "resolver-unreachable",
        summary: `cannot read the NTAs of ${r.resolver}: ${r.error?.message ?? "unknown"}`,
      });
    }
    for (const a of r.actions) {
      if (a.attempted && !a.ok) {
        alerts.push({
          resolver: r.resolver,
          severity: "critical",
          kind: "push-failed",
          zone: a.action.zone,
          summary: `${a.action.op} NTA ${a.action.zone} on ${r.resolver} failed after ${a.attempts} attempt(s): ${a.error?.message ?? ""}`,
        });
      }
    }
    for (const d of r.drift) {
      if (d.kind === "foreign") {
        alerts.push({
          resolver: r.resolver,
          severity: "warning",
          kind: "foreign-nta",
          zone: d.zone,
          summary: `${r.resolver} holds an NTA for ${d.zone} that nta-watch did not apply; left in place`,
        });
      } else if (d.kind === "missing" || d.kind === "left-behind") {
        alerts.push({
          resolver: r.resolver,
          severity: "warning",
          kind: "drift-repaired",
          zone: d.zone,
          summary: `${r.resolver}: NTA for ${d.zone} ${d.kind === "missing" ? "was gone" : "was left behind"}${report.dryRun ? " (dry run: not repaired)" : ""}`,
        });
      }
    }
  }
  return alerts;
}
