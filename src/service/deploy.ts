/**
 * Deployment: the NTAs in force in the store, pushed to the configured
 * resolvers and read back (src/resolvers), on every change and on the
 * reconciliation schedule. What a pass finds goes back into the store:
 *
 * - an NTA now in place on every resolver that answered becomes the
 *   lifecycle's `deployed` event (the incident's deployment milestone);
 * - drift, failed pushes, unreachable resolvers and NTAs a person added
 *   become `drift` alerts in the outbox, each raised once while it lasts
 *   (a resolver down for an hour is one alert, not one per pass).
 *
 * In dry-run mode nothing is pushed: the passes only report what they would
 * do, for operators who apply NTAs by hand (whose NTAs then count as
 * deployed when the resolvers list them).
 *
 * A resolver that is down costs its own time budget only: passes run beside
 * the probe rounds, never in their way.
 */

import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { Effect } from "../lifecycle/types.js";
import { createAdapter, type FactoryIo } from "../resolvers/factory.js";
import type { DesiredNta } from "../resolvers/reconcile.js";
import { deployedOn, Reconciler } from "../resolvers/reconciler.js";
import { reconcileAlerts, type ReconcileAlert, type ReconcileReport } from "../resolvers/runner.js";
import type { AdapterError, ResolverAdapter, Result } from "../resolvers/types.js";
import { StoreLedger } from "../store/ledger.js";
import { enqueueAlerts, type OutboxAlert } from "../store/outbox.js";
import type { Store } from "../store/store.js";
import { applyEvent } from "./apply.js";

export interface DeploymentParts {
  config: Config;
  store: Store;
  /** Seconds since the epoch (the service's clock). */
  now: () => number;
  logger: Logger;
  /** Adapters to use instead of those the configuration describes (tests). */
  adapters?: readonly ResolverAdapter[];
  /** How credentials are read for the configured adapters; default the process's. */
  io?: FactoryIo;
  /** Effects of the `deployed` transitions, for the service's log. */
  onEffects?: (zone: string, effects: readonly Effect[]) => void;
  /** Every pass's report (the metrics count pushes and drift from it). */
  onReport?: (report: ReconcileReport) => void;
}

/** An adapter that could not be made (a key file missing): every call says why. */
class UnavailableAdapter implements ResolverAdapter {
  constructor(
    readonly name: string,
    readonly kind: ResolverAdapter["kind"],
    private readonly error: AdapterError,
  ) {}
  private fail(): Promise<Result<never>> {
    return Promise.resolve({ ok: false, error: this.error });
  }
  list() {
    return this.fail();
  }
  add() {
    return this.fail();
  }
  remove() {
    return this.fail();
  }
  flush() {
    return this.fail();
  }
}

/** The adapters of the configured resolvers; one that cannot be made reports its error. */
export async function configuredAdapters(
  config: Config,
  io?: FactoryIo,
): Promise<ResolverAdapter[]> {
  const out: ResolverAdapter[] = [];
  for (const r of config.resolvers) {
    const made = await createAdapter(r, io);
    out.push(made.ok ? made.value : new UnavailableAdapter(r.name, r.adapter, made.error));
  }
  return out;
}

/** The store's NTAs in force, as reconciliation wants them (times in ms). */
export function desiredFromStore(store: Store): DesiredNta[] {
  if (!store.db.open) throw new Error("the store is closed");
  return store
    .ntas({ inForce: true })
    .map((n) => ({ zone: n.zone, expiresAt: n.expiresAt * 1000, reason: n.reason }));
}

const alertKey = (a: ReconcileAlert): string => `${a.kind}|${a.resolver}|${a.zone ?? ""}`;

export class Deployment {
  readonly adapters: readonly ResolverAdapter[];
  readonly #p: DeploymentParts;
  readonly #reconciler: Reconciler;
  readonly #ledger: StoreLedger;
  /** Alerts raised by the last pass, so each is raised once while it lasts. */
  #open = new Set<string>();
  #last: ReconcileReport | undefined;

  private constructor(parts: DeploymentParts, adapters: readonly ResolverAdapter[]) {
    this.#p = parts;
    this.adapters = adapters;
    const r = parts.config.reconcile;
    this.#ledger = new StoreLedger(parts.store.db, parts.now);
    this.#reconciler = new Reconciler({
      adapters,
      desired: () => Promise.resolve(desiredFromStore(parts.store)),
      ledger: this.#ledger,
      now: () => parts.now() * 1000,
      retry: { attempts: r.attempts, backoffMs: r.backoff, backoffCapMs: r.backoffCap },
      resolverBudgetMs: r.resolverBudget,
      dryRun: r.dryRun,
      intervalMs: r.interval,
      onReport: (report) => this.#onReport(report),
      onError: (e) => parts.logger.error({ err: e }, "reconciliation failed"),
    });
  }

  static async create(parts: DeploymentParts): Promise<Deployment> {
    const adapters = parts.adapters ?? (await configuredAdapters(parts.config, parts.io));
    return new Deployment(parts, adapters);
  }

  get ledger(): StoreLedger {
    return this.#ledger;
  }

  /** The report of the last pass, if any. */
  get lastReport(): ReconcileReport | undefined {
    return this.#last;
  }

  /** The schedule, with a first pass at once (a restart repairs what went missing meanwhile). */
  start(): void {
    if (this.adapters.length > 0) this.#reconciler.start();
  }

  stop(): void {
    this.#reconciler.stop();
  }

  /** A pass after a change; resolves with the report of the pass that saw it. */
  trigger(): Promise<ReconcileReport | undefined> {
    if (this.adapters.length === 0) return Promise.resolve(undefined);
    return this.#reconciler.trigger();
  }

  #onReport(report: ReconcileReport): void {
    this.#last = report;
    this.#p.onReport?.(report);
    const { store, logger } = this.#p;
    for (const r of report.resolvers) {
      const log = logger.child({ resolver: r.resolver });
      if (!r.reachable) log.warn({ error: r.error?.message }, "resolver unreachable");
      for (const a of r.actions) {
        const fields = { op: a.action.op, zone: a.action.zone, why: a.action.why };
        if (!a.attempted) log.info(fields, "dry run: would change NTA");
        else if (a.ok) log.info({ ...fields, attempts: a.attempts }, "NTA changed on resolver");
        else log.error({ ...fields, error: a.error?.message }, "NTA push failed");
      }
    }
    if (!store.db.open) return;
    const now = this.#p.now();
    this.#raiseAlerts(report, now);
    this.#markDeployed(report, now);
  }

  #raiseAlerts(report: ReconcileReport, now: number): void {
    const alerts = reconcileAlerts(report);
    const keys = new Set(alerts.map(alertKey));
    const fresh = alerts.filter((a) => !this.#open.has(alertKey(a)));
    this.#open = keys;
    if (fresh.length === 0) return;
    const rows: OutboxAlert[] = fresh.map((a) => ({
      kind: "drift",
      zone: a.zone ?? "",
      severity: a.severity,
      summary: a.summary,
      resolver: a.resolver,
      reconcile: a.kind,
      dryRun: report.dryRun,
      dedupKey: `drift|${alertKey(a)}`,
    }));
    enqueueAlerts(this.#p.store.db, rows, now);
  }

  /**
   * The `deployed` event for each active NTA not yet marked deployed, once
   * it is in place on every resolver that answered (and at least one).
   */
  #markDeployed(report: ReconcileReport, now: number): void {
    const { store, config } = this.#p;
    const reachable = report.resolvers.filter((r) => r.reachable).map((r) => r.resolver);
    if (reachable.length === 0) return;
    for (const z of store.zones()) {
      const nta = z.state.nta;
      if (z.state.phase !== "active" || !nta || nta.deployedAt !== undefined) continue;
      const on = deployedOn(report, z.zone);
      if (!reachable.every((r) => on.includes(r))) continue;
      try {
        const r = applyEvent(
          store,
          z.zone,
          { type: "deployed", resolvers: on },
          now,
          config.thresholds,
        );
        if (!r.ok) continue;
        const down = report.resolvers.filter((x) => !x.reachable).map((x) => x.resolver);
        enqueueAlerts(
          store.db,
          [
            {
              kind: "deployed",
              zone: z.zone,
              severity: down.length > 0 ? "warning" : "info",
              summary:
                `NTA for ${z.zone} in place on ${on.join(", ")}` +
                (down.length > 0 ? `; not reachable: ${down.join(", ")}` : ""),
              phase: "active",
            },
          ],
          now,
        );
        this.#p.onEffects?.(z.zone, r.effects);
      } catch (e) {
        this.#p.logger.error({ zone: z.zone, err: e }, "deployment not recorded");
      }
    }
  }
}
