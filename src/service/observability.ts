/**
 * What the running service tells operators, beside its log: the metrics
 * registry (GET /metrics, fed as rounds, assessments, early warnings,
 * reconciliations and store errors happen) and the alert sender that
 * delivers the store's outbox to Slack and webhooks.
 *
 * Order at start: the registry exists before the API (the API mounts it),
 * the store view is attached once the store is open, the sender starts
 * once the service listens. At shutdown the sender stops before the store
 * closes: a delivery under way is recorded, never cut off by a closed
 * database.
 */

import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Assessment } from "../assess/types.js";
import type { Config } from "../config/schema.js";
import type { Effect } from "../lifecycle/types.js";
import { mountMetrics } from "../metrics/http.js";
import { createMetrics, type Metrics } from "../metrics/registry.js";
import { storeView } from "../metrics/store-view.js";
import type { AlertSender } from "../notify/sender.js";
import { startAlertSender } from "../notify/start.js";
import type { Round } from "../probe/observation.js";
import { reportCounts, type ReconcileReport } from "../resolvers/runner.js";
import { RevisionConflictError, type Store } from "../store/store.js";

/** The package's version, for nta_watch_build_info; "unknown" when package.json is not beside. */
export function packageVersion(): string {
  try {
    const file = new URL("../../package.json", import.meta.url);
    const pkg = JSON.parse(readFileSync(file, "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

/** An error of the store itself (SQLite, or a concurrent write), as opposed to a bug. */
export function isStoreError(e: unknown): boolean {
  return e instanceof Database.SqliteError || e instanceof RevisionConflictError;
}

export interface ObservabilityParts {
  config: Config;
  configDir: string;
  env: Record<string, string | undefined>;
  /** Seconds since the epoch. */
  now: () => number;
  logger: Logger;
}

export class Observability {
  readonly metrics: Metrics;
  readonly #p: ObservabilityParts;
  #sender: AlertSender | undefined;

  constructor(parts: ObservabilityParts) {
    this.#p = parts;
    this.metrics = createMetrics({ version: packageVersion() });
  }

  /** Registers GET /metrics on the API (through its mount hook). */
  mount(app: FastifyInstance): void {
    mountMetrics(this.metrics)(app);
  }

  /** The scrape-time gauges (zone states, NTAs, proposals, outbox) read from this store. */
  attach(store: Store): void {
    this.metrics.attach(storeView(store));
  }

  /** One committed round: probes, latency, reachability, preconditions, early warnings. */
  round(round: Round, assessment: Assessment, effects: readonly Effect[]): void {
    this.metrics.recordRound(round);
    this.metrics.recordAssessment(assessment);
    this.metrics.recordEarlyWarnings(effects);
  }

  /** Counts `e` when the store raised it; returns it unchanged for the caller to rethrow. */
  failed(e: unknown): unknown {
    if (isStoreError(e)) this.metrics.recordStoreError();
    return e;
  }

  reconciled(report: ReconcileReport): void {
    this.metrics.recordReconcile(reportCounts(report));
  }

  /**
   * Starts delivering the outbox. Throws when a channel's secret cannot be
   * read (the message names the receiver and where the secret was looked
   * for, never its value): the service does not start without its alerts.
   */
  startAlerts(store: Store, start: boolean): string[] {
    const r = startAlertSender({
      store,
      settings: this.#p.config.notify,
      configDir: this.#p.configDir,
      env: this.#p.env,
      now: this.#p.now,
      metrics: this.metrics,
      log: this.#p.logger.child({ part: "notify" }),
      start,
    });
    if (!r.ok) throw new Error(r.error);
    this.#sender = r.sender;
    return r.channels;
  }

  /** The sender (tests run passes by hand when the schedule is off). */
  get sender(): AlertSender | undefined {
    return this.#sender;
  }

  /** Stops the sender and waits for the pass under way; call before the store closes. */
  async stop(): Promise<void> {
    await this.#sender?.stop();
  }
}
