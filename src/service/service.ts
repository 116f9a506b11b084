/**
 * The running watcher (`nta-watch serve`): probe rounds on a schedule, each
 * assessed and run through the lifecycle with its effects stored in one
 * transaction; NTA expiry checked on a timer; confirmation sources read on
 * theirs; old rounds pruned; the HTTP API served. Every zone's state lives
 * in the store, so a restart resumes where the last run stopped.
 *
 * Shutdown: the scheduler and timers stop, rounds in flight get a grace
 * period and are then abandoned (a round not yet committed is simply not
 * stored: the next run probes again), the HTTP server closes, then the
 * database.
 */

import path from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { SourcePoller } from "../confirm/sources.js";
import { TokenTable } from "../http/auth.js";
import { mountConsole } from "../http/console/routes.js";
import { buildApi } from "../http/server.js";
import type { Effect } from "../lifecycle/types.js";
import type { Round } from "../probe/observation.js";
import { Scheduler } from "../probe/scheduler.js";
import type { ReconcileReport } from "../resolvers/runner.js";
import type { ResolverAdapter } from "../resolvers/types.js";
import { Store } from "../store/store.js";
import { applyEvent, applyRound, historyLength, type RoundOutcome } from "./apply.js";
import { Deployment } from "./deploy.js";
import { Observability } from "./observability.js";
import { ReachLog } from "./reach-log.js";

/** One probe round of a zone now: the probe engine's, or a stand-in in tests. */
export type ProbeRound = (zone: string, now: number) => Promise<Round>;

export interface ServiceParts {
  config: Config;
  /** The folder relative paths of the configuration are resolved against. */
  configDir: string;
  probeRound: ProbeRound;
  tokens: TokenTable;
  poller: SourcePoller;
  logger: Logger;
  /** Seconds since the epoch. */
  now?: () => number;
  /** Start the probe schedule and the timers (tests drive rounds by hand instead). */
  schedule?: boolean;
  /** Mount more HTTP routes (/metrics). */
  mount?: (app: FastifyInstance) => void;
  /** Resolver adapters instead of those of `config.resolvers` (tests). */
  adapters?: readonly ResolverAdapter[];
  /** Where the alert channels' secrets are read from; default the process's. */
  env?: Record<string, string | undefined>;
}

/** How often NTA expiry is checked: an NTA outlives its lifetime by at most this. */
export const EXPIRY_CHECK_MS = 10_000;
const PRUNE_EVERY_MS = 3_600_000;
const SHUTDOWN_GRACE_MS = 10_000;

export class Service {
  readonly store: Store;
  readonly api: FastifyInstance;
  /** Metrics (GET /metrics) and the alert sender. */
  readonly observability: Observability;
  readonly #p: ServiceParts;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #timers: NodeJS.Timeout[] = [];
  #scheduler: Scheduler<Round> | undefined;
  #deployment: Deployment | undefined;
  #stopping = false;
  #lastRoundAt: number | undefined;
  readonly #reach: ReachLog;

  private constructor(parts: ServiceParts, store: Store) {
    this.#p = parts;
    this.#now = parts.now ?? (() => Math.floor(Date.now() / 1000));
    this.#log = parts.logger;
    this.#reach = new ReachLog(parts.logger);
    this.store = store;
    this.observability = new Observability({
      config: parts.config,
      configDir: parts.configDir,
      env: parts.env ?? process.env,
      now: this.#now,
      logger: this.#log,
    });
    this.observability.attach(store);
    const api = parts.config.api;
    this.api = buildApi(
      {
        store,
        thresholds: parts.config.thresholds,
        now: this.#now,
        tokens: parts.tokens,
        watched: () => this.zones(),
        publisher: api.publisher,
        publicNtaFeed: api.publicNtaFeed,
        sourceReports: () => parts.poller.reports(),
        onActed: (zone, actor, effects) => this.#logEffects(zone, effects, actor),
        health: () => ({
          ok: !this.#stopping,
          scheduler: this.#scheduler?.running ?? false,
          lastRoundAt: this.#lastRoundAt ?? null,
        }),
      },
      {
        logger: this.#log.child({ part: "http" }),
        mount: (app, deps) => {
          mountConsole(app, deps);
          this.observability.mount(app);
          parts.mount?.(app);
        },
      },
    );
  }

  /** Opens the store, resumes, starts the schedule and the API. */
  static async start(parts: ServiceParts): Promise<Service> {
    const now = (parts.now ?? (() => Math.floor(Date.now() / 1000)))();
    const file = path.resolve(parts.configDir, parts.config.store.path);
    const store = Store.open(file, now);
    const service = new Service(parts, store);
    try {
      service.#deployment = await Deployment.create({
        config: parts.config,
        store,
        now: service.#now,
        logger: service.#log.child({ part: "resolvers" }),
        ...(parts.adapters ? { adapters: parts.adapters } : {}),
        onEffects: (zone, effects) => service.#logEffects(zone, effects),
        onReport: (report) => service.observability.reconciled(report),
      });
      // Alert channels with their secrets first: no API without its alerts.
      const channels = service.observability.startAlerts(store, parts.schedule ?? true);
      service.#log.info({ channels }, "alert channels");
      service.#warnWithoutControlZones();
      service.#resume(file);
      await service.api.listen({ host: parts.config.api.listen, port: parts.config.api.port });
      if (parts.schedule ?? true) service.#startTimers();
      service.#log.info({ address: service.address(), tokens: parts.tokens.size }, "serving");
      return service;
    } catch (e) {
      await service.observability.stop();
      await service.api.close();
      store.close();
      throw e;
    }
  }

  /**
   * A vantage's answers count only while the control zones validate from it
   * (a failure there is the vantage's or the network's, not the zone's), so
   * without control zones no vantage is counted: said once at start.
   */
  #warnWithoutControlZones(): void {
    const { controlZones, vantages } = this.#p.config;
    if (controlZones.length > 0) return;
    this.#log.warn(
      { vantages: vantages.length },
      "no controlZones configured: no vantage's answers are counted, so a break seen only " +
        "through the vantages is never widespread and nothing is proposed; zone status comes " +
        "from the authoritative servers alone (set controlZones to one or two other signed zones)",
    );
  }

  /** The watched zones: those configured. */
  zones(): string[] {
    return this.#p.config.zones.map((z) => z.name);
  }

  address(): { host: string; port: number } {
    const a = this.api.server.address();
    if (a === null || typeof a === "string") throw new Error("the API is not listening");
    return { host: a.address, port: a.port };
  }

  #resume(file: string): void {
    const stored = this.store.zones();
    const phases: Record<string, number> = {};
    for (const z of stored) phases[z.state.phase] = (phases[z.state.phase] ?? 0) + 1;
    this.#log.info({ file, zones: stored.length, phases }, "state resumed");
    const unwatched = stored.filter((z) => z.state.nta && !this.zones().includes(z.zone));
    for (const z of unwatched) {
      this.#log.warn(
        { zone: z.zone, phase: z.state.phase },
        "zone no longer configured; its NTA still expires",
      );
    }
    // NTAs whose lifetime ended while the watcher was down end now.
    this.tickExpiry();
  }

  #startTimers(): void {
    const c = this.#p.config;
    this.#scheduler = new Scheduler<Round>({
      intervalMs: c.probe.interval,
      jitterMs: c.probe.jitter,
      zones: () => (this.#stopping ? [] : this.zones()),
      runRound: (zone) => this.#track(this.#p.probeRound(zone, this.#now())),
      onRound: (_zone, round) => {
        this.#commitRound(round);
      },
      onError: (zone, error) => this.#log.error({ zone, err: error }, "round failed"),
    });
    this.#scheduler.start();
    this.#deployment?.start();
    const every = (ms: number, fn: () => unknown) => {
      const t = setInterval(() => {
        if (this.#stopping) return;
        void this.#track(
          Promise.resolve()
            .then(fn)
            .catch((e: unknown) =>
              this.#log.error({ err: this.observability.failed(e) }, "background task failed"),
            ),
        );
      }, ms);
      t.unref();
      this.#timers.push(t);
    };
    every(EXPIRY_CHECK_MS, () => this.tickExpiry());
    every(PRUNE_EVERY_MS, () => this.prune());
    if (this.#p.poller.sources.length > 0) {
      every(c.confirmations.interval, () => this.pollSources());
      void this.#track(this.pollSources()).catch((e: unknown) =>
        this.#log.error({ err: e }, "confirmation poll failed"),
      );
    }
  }

  /** Remembers work in flight, so shutdown can wait for it; the promise is returned as is. */
  #track<T>(p: Promise<T>): Promise<T> {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(settled);
    void settled.finally(() => this.#inFlight.delete(settled));
    return p;
  }

  /** One round of `zone` now, probed, assessed, stored (tests and a manual trigger). */
  async runRound(zone: string): Promise<RoundOutcome | undefined> {
    const round = await this.#track(this.#p.probeRound(zone, this.#now()));
    return this.#commitRound(round);
  }

  #commitRound(round: Round): RoundOutcome | undefined {
    if (this.#stopping || !this.store.db.open) {
      this.#log.info({ zone: round.zone }, "round abandoned at shutdown");
      return undefined;
    }
    const c = this.#p.config;
    let out: RoundOutcome;
    try {
      out = applyRound(this.store, round, this.#now(), c.thresholds, [], c.earlyWarning);
    } catch (e) {
      throw this.observability.failed(e);
    }
    this.observability.round(round, out.assessment, out.effects);
    this.#reach.round(out.assessment);
    this.#lastRoundAt = round.at;
    const log = this.#log.child({ zone: round.zone });
    log.debug({ status: out.assessment.status, phase: out.state.phase }, "round assessed");
    this.#logEffects(round.zone, out.effects);
    return out;
  }

  /** Expiry of every NTA whose lifetime is over (RFC 7646: NTAs end on their own). */
  tickExpiry(): void {
    if (!this.store.db.open) return;
    const now = this.#now();
    for (const z of this.store.zones()) {
      if (z.state.phase !== "active" || !z.state.nta || z.state.nta.expiresAt > now) continue;
      const r = applyEvent(this.store, z.zone, { type: "tick" }, now, this.#p.config.thresholds);
      if (r.ok) this.#logEffects(z.zone, r.effects);
    }
  }

  /** Reads every confirmation source once and stores what they confirm. */
  async pollSources(): Promise<number> {
    const now = this.#now();
    const { confirmations, reports } = await this.#p.poller.pollAll({
      watched: this.zones(),
      now,
      maxAgeSeconds: this.#p.config.thresholds.confirmationMaxAgeSeconds,
    });
    for (const r of reports.filter((x) => !x.ok)) {
      this.#log.warn(
        { source: r.source, kind: r.kind, error: r.error },
        "confirmation source unreadable",
      );
    }
    if (this.#stopping || !this.store.db.open) return 0;
    const added = this.store.recordConfirmations(confirmations, now);
    if (added > 0) this.#log.info({ added }, "confirmations recorded");
    return added;
  }

  prune(): number {
    const c = this.#p.config;
    const before = this.#now() - Math.floor(c.store.observationRetention / 1000);
    return this.store.pruneRounds(before, historyLength(c.thresholds));
  }

  /**
   * One reconciliation pass now (tests, a manual trigger): resolves with the
   * report of a pass that started after the call.
   */
  async reconcile(): Promise<ReconcileReport | undefined> {
    if (!this.#deployment) return undefined;
    return this.#track(this.#deployment.trigger());
  }

  /** The resolvers' side: adapters, ledger and the last report. */
  get deployment(): Deployment | undefined {
    return this.#deployment;
  }

  #logEffects(zone: string, effects: readonly Effect[], actor?: string): void {
    // Every NTA applied or removed is pushed at once (issue 6: on every change).
    if (effects.some((e) => e.kind === "apply-nta" || e.kind === "remove-nta")) {
      if (this.#deployment && !this.#stopping) {
        void this.#track(this.#deployment.trigger()).catch((e: unknown) =>
          this.#log.error({ err: e }, "reconciliation failed"),
        );
      }
    }
    const log = this.#log.child({ zone });
    for (const e of effects) {
      if (e.kind === "audit") {
        const { from, to, action, reason } = e.entry;
        log.info({ actor: e.entry.actor, action, from, to, reason }, "transition");
      } else if (e.kind === "alert") {
        const level = e.alert.severity === "critical" ? "warn" : "info";
        log[level](
          { kind: e.alert.kind, severity: e.alert.severity, summary: e.alert.summary },
          "alert queued",
        );
      } else if (e.kind === "apply-nta" || e.kind === "remove-nta") {
        log.info({ effect: e.kind, ...(actor ? { actor } : {}) }, "nta changed");
      }
    }
  }

  /** Stops cleanly: no new rounds, in-flight work finished or abandoned, API closed, store closed. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#log.info({ inFlight: this.#inFlight.size }, "stopping");
    for (const t of this.#timers) clearInterval(t);
    this.#deployment?.stop();
    await this.#scheduler?.stop();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((r) => {
      timer = setTimeout(r, SHUTDOWN_GRACE_MS);
      timer.unref();
    });
    await Promise.race([Promise.allSettled([...this.#inFlight]), grace]);
    clearTimeout(timer);
    await this.observability.stop();
    await this.api.close();
    this.store.close();
    this.#log.info({}, "stopped");
  }
}
