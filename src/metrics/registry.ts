/**
 * The service's metrics: one prom-client Registry made here and handed to
 * whoever needs it (never prom-client's global registry), its metrics
 * created from the catalog, and the calls the service makes as things
 * happen. Gauges of state the service already keeps (lifecycle states, NTAs,
 * proposals, the outbox) are read at scrape time from a `ServiceView`.
 */

import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
} from "prom-client";
import { signatureHorizon } from "../assess/early-warning.js";
import type { Assessment } from "../assess/types.js";
import type { Effect, Phase } from "../lifecycle/types.js";
import type { Observation, Round } from "../probe/observation.js";
import type { reportCounts } from "../resolvers/runner.js";
import { CATALOG, metricSpec, type MetricSpec } from "./catalog.js";

type ReconcileCounts = ReturnType<typeof reportCounts>[number];

const EARLY_WARNING_KINDS: readonly string[] = ["signatures-expiring", "key-rollover"];

/** Every lifecycle state, for the one-hot state gauge. */
export const PHASES: readonly Phase[] = [
  "healthy",
  "degraded",
  "broken",
  "proposed",
  "active",
  "rejected",
  "withdrawn",
  "blocked",
  "expired",
  "retracted",
];

/** What the scrape reads from the running service (the store, in practice). */
export interface ServiceView {
  zones(): { zone: string; phase: Phase }[];
  ntasInForce(): { zone: string; expiresAt: number }[];
  openProposals(): { zone: string; proposedAt: number }[];
  outbox(): { pending: number; failed: number };
}

export interface MetricsOptions {
  view?: ServiceView;
  version?: string;
  /** prom-client's process and Node.js metrics; on by default. */
  processMetrics?: boolean;
}

function config(m: MetricSpec, registry: Registry) {
  return { name: m.name, help: m.help, labelNames: [...m.labels], registers: [registry] };
}

/** How a probe ended, for the `outcome` label. */
export function outcomeOf(o: Observation): string {
  return o.reachable ? "answered" : (o.error?.kind ?? "unreachable");
}

export class Metrics {
  readonly registry: Registry;
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly histograms = new Map<string, Histogram>();
  /** Authoritative servers last seen per zone, to drop the gauges of servers that left. */
  private readonly servers = new Map<string, Set<string>>();
  private view: ServiceView | undefined;

  constructor(options: MetricsOptions = {}) {
    this.registry = new Registry();
    this.view = options.view;
    for (const m of CATALOG) {
      if (m.builtin) continue;
      const c = config(m, this.registry);
      if (m.type === "counter")
        this.counters.set(m.name, new Counter(c as CounterConfiguration<string>));
      else if (m.type === "histogram") {
        this.histograms.set(m.name, new Histogram({ ...c, buckets: [...(m.buckets ?? [])] }));
      } else this.gauges.set(m.name, new Gauge({ ...c, collect: this.collector(m.name) }));
    }
    this.gauge("nta_watch_build_info").set({ version: options.version ?? "unknown" }, 1);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The service's state, once it exists (the API and the service are built after the metrics). */
  attach(view: ServiceView): void {
    this.view = view;
  }

  counter(name: string): Counter {
    const c = this.counters.get(metricSpec(name).name);
    if (!c) throw new Error(`${name} is not a counter`);
    return c;
  }

  gauge(name: string): Gauge {
    const g = this.gauges.get(metricSpec(name).name);
    if (!g) throw new Error(`${name} is not a gauge`);
    return g;
  }

  histogram(name: string): Histogram {
    const h = this.histograms.get(metricSpec(name).name);
    if (!h) throw new Error(`${name} is not a histogram`);
    return h;
  }

  /** The exposition text, as GET /metrics serves it. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Scrape-time gauges: set from the view, or left empty (and a store error counted) if it fails. */
  private collector(name: string): (() => void) | undefined {
    const read: Record<string, (g: Gauge, v: ServiceView) => void> = {
      nta_watch_zone_state: (g, v) => {
        for (const { zone, phase } of v.zones()) {
          for (const p of PHASES) g.set({ zone, state: p }, p === phase ? 1 : 0);
        }
      },
      nta_watch_nta_active: (g, v) => {
        for (const n of v.ntasInForce()) g.set({ zone: n.zone }, 1);
      },
      nta_watch_nta_expiry_timestamp_seconds: (g, v) => {
        for (const n of v.ntasInForce()) g.set({ zone: n.zone }, n.expiresAt);
      },
      nta_watch_proposal_created_timestamp_seconds: (g, v) => {
        for (const p of v.openProposals()) g.set({ zone: p.zone }, p.proposedAt);
      },
      nta_watch_alert_outbox_pending: (g, v) => g.set(v.outbox().pending),
      nta_watch_alert_outbox_failed: (g, v) => g.set(v.outbox().failed),
    };
    const fill = read[name];
    if (!fill) return undefined;
    const view = () => this.view;
    const failed = () => this.recordStoreError();
    return function (this: Gauge) {
      this.reset();
      const v = view();
      if (!v) return;
      try {
        fill(this, v);
      } catch {
        failed();
      }
    };
  }

  /** A probe round: probes by outcome, verdict and reason; latency; reachability; signature times. */
  recordRound(round: Round): void {
    const probes = this.counter("nta_watch_probes_total");
    const auth = this.counter("nta_watch_authoritative_probes_total");
    const latency = this.histogram("nta_watch_probe_duration_seconds");
    const vantageUp = new Map<string, boolean>();
    const serverUp = new Map<string, boolean>();
    for (const o of [...round.observations, ...round.control]) {
      const common = {
        zone: o.zone,
        outcome: outcomeOf(o),
        verdict: o.verdict.security,
        reason: o.verdict.reason?.kind ?? "none",
      };
      if (o.vantage.kind === "recursive") {
        const vantage = o.vantage.name;
        probes.inc({ ...common, vantage });
        if (o.userAnswer) latency.observe({ zone: o.zone, vantage }, o.userAnswer.latencyMs / 1000);
        vantageUp.set(vantage, (vantageUp.get(vantage) ?? false) || o.reachable);
      } else {
        const server = o.vantage.address;
        auth.inc({ ...common, server });
        if (o.zone.toLowerCase() === round.zone.toLowerCase()) {
          serverUp.set(server, (serverUp.get(server) ?? false) || o.reachable);
        }
      }
    }
    for (const [vantage, up] of vantageUp) {
      this.gauge("nta_watch_vantage_up").set({ vantage }, up ? 1 : 0);
    }
    const g = this.gauge("nta_watch_authoritative_up");
    for (const gone of this.servers.get(round.zone) ?? []) {
      if (!serverUp.has(gone)) g.remove({ zone: round.zone, server: gone });
    }
    this.servers.set(round.zone, new Set(serverUp.keys()));
    for (const [server, up] of serverUp) g.set({ zone: round.zone, server }, up ? 1 : 0);

    const zone = { zone: round.zone };
    this.counter("nta_watch_rounds_total").inc(zone);
    this.gauge("nta_watch_round_timestamp_seconds").set(zone, round.at);
    const h = signatureHorizon(round);
    const earliest = this.gauge("nta_watch_zone_signature_expiration_earliest_timestamp_seconds");
    const horizon = this.gauge("nta_watch_zone_signature_horizon_timestamp_seconds");
    if (h) {
      earliest.set(zone, h.earliest);
      horizon.set(zone, h.horizon);
    } else {
      earliest.remove(zone);
      horizon.remove(zone);
    }
  }

  /** An assessment: the three preconditions, failing or not, the share of failing vantages. */
  recordAssessment(a: Assessment): void {
    const met = this.gauge("nta_watch_zone_precondition_met");
    const set = (precondition: string, v: boolean) =>
      met.set({ zone: a.zone, precondition }, v ? 1 : 0);
    set("widespread", a.widespread.met);
    set("confirmed", a.confirmed.met);
    set("no_security_value", a.noSecurityValue.met);
    const zone = { zone: a.zone };
    this.gauge("nta_watch_zone_failing").set(zone, a.status === "failing" ? 1 : 0);
    this.gauge("nta_watch_clock_suspect").set(zone, a.clockSuspect ? 1 : 0);
    const rounds = a.widespread.evidence.figures.rounds;
    const last = rounds[rounds.length - 1];
    if (last && Number.isFinite(last.vantageShare))
      this.gauge("nta_watch_zone_failing_vantage_ratio").set(zone, last.vantageShare);
  }

  /** The early warnings among a round's effects (the others are ignored). */
  recordEarlyWarnings(effects: readonly Effect[]): void {
    for (const e of effects) {
      if (e.kind !== "alert" || !EARLY_WARNING_KINDS.includes(e.alert.kind)) continue;
      this.counter("nta_watch_early_warnings_total").inc({
        zone: e.alert.zone,
        kind: e.alert.kind,
      });
    }
  }

  /** One delivery attempt of an alert on a channel ("slack", "webhook:<name>"). */
  recordAlert(channel: string, ok: boolean): void {
    const name = ok ? "nta_watch_alerts_sent_total" : "nta_watch_alert_delivery_failures_total";
    this.counter(name).inc({ channel });
  }

  /** An alert given up on after its last attempt. */
  recordAlertGivenUp(channel: string): void {
    this.counter("nta_watch_alerts_failed_total").inc({ channel });
  }

  recordAlertSuppressed(channel: string): void {
    this.counter("nta_watch_alerts_suppressed_total").inc({ channel });
  }

  recordPush(resolver: string, ok: boolean): void {
    this.counter("nta_watch_resolver_pushes_total").inc({
      resolver,
      outcome: ok ? "ok" : "failed",
    });
  }

  /** The number of drifted NTAs the latest reconciliation found on the resolver. */
  recordDrift(resolver: string, n: number): void {
    this.gauge("nta_watch_resolver_drift_ntas").set({ resolver }, n);
  }

  /** A reconciliation report's counts per resolver (src/resolvers/runner.ts reportCounts). */
  recordReconcile(counts: readonly ReconcileCounts[]): void {
    for (const c of counts) {
      this.counter("nta_watch_resolver_pushes_total").inc(
        { resolver: c.resolver, outcome: "ok" },
        c.pushesOk,
      );
      this.counter("nta_watch_resolver_pushes_total").inc(
        { resolver: c.resolver, outcome: "failed" },
        c.pushesFailed,
      );
      const drifted = Object.values(c.drift).reduce((a, b) => a + (b ?? 0), 0);
      this.recordDrift(c.resolver, drifted);
    }
  }

  recordStoreError(): void {
    this.counter("nta_watch_store_errors_total").inc();
  }
}

/** The factory the service calls once; the registry goes to the HTTP server from here. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  return new Metrics(options);
}
