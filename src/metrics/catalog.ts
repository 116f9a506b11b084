/**
 * Every metric nta-watch exports, in one table: name, type, help text and
 * label names. The registry (registry.ts) creates its metrics from this
 * table, README.md's metrics table is generated from it, and the tests
 * check that the dashboards and alerting rules name only metrics listed here.
 *
 * Names follow the Prometheus conventions: the `nta_watch_` prefix, base
 * units (`_seconds`, `_bytes`), `_total` on counters, `_timestamp_seconds`
 * for points in time. Label values are bounded: zone and vantage names come
 * from the configuration, servers are the addresses of a zone's
 * authoritative servers, verdicts and reasons are closed sets. A canary's
 * name is never a label (the NXDOMAIN canary's name changes every round).
 */

export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricSpec {
  name: string;
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** Histogram bucket bounds, in the metric's unit. */
  buckets?: readonly number[];
  /** Created by prom-client's collectDefaultMetrics, not by us. */
  builtin?: boolean;
}

/** Probe latency buckets, seconds: a resolver answers from cache in ms, a cold chain takes seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const spec = (
  name: string,
  type: MetricType,
  labels: readonly string[],
  help: string,
  extra: Partial<MetricSpec> = {},
): MetricSpec => ({ name, type, labels, help, ...extra });

export const CATALOG: readonly MetricSpec[] = [
  spec("nta_watch_build_info", "gauge", ["version"], "Always 1; the running version as a label."),
  // Probes
  spec(
    "nta_watch_probes_total",
    "counter",
    ["zone", "vantage", "outcome", "verdict", "reason"],
    "Probes of a zone through a recursive vantage, by outcome (answered, timeout, unreachable, refused, network), our own verdict and its reason kind (none when secure).",
  ),
  spec(
    "nta_watch_authoritative_probes_total",
    "counter",
    ["zone", "server", "outcome", "verdict", "reason"],
    "Probes sent directly to an authoritative server of a zone, by outcome, verdict and reason kind.",
  ),
  spec(
    "nta_watch_probe_duration_seconds",
    "histogram",
    ["zone", "vantage"],
    "Time a recursive vantage took to answer the CD=0 probe (what a user waits).",
    { buckets: LATENCY_BUCKETS },
  ),
  spec("nta_watch_rounds_total", "counter", ["zone"], "Probe rounds assessed, per zone."),
  spec(
    "nta_watch_round_timestamp_seconds",
    "gauge",
    ["zone"],
    "When the latest probe round of the zone ran.",
  ),
  spec(
    "nta_watch_vantage_up",
    "gauge",
    ["vantage"],
    "1 when the recursive vantage answered at least one probe in its latest round, else 0.",
  ),
  spec(
    "nta_watch_authoritative_up",
    "gauge",
    ["zone", "server"],
    "1 when the authoritative server answered at least one probe in the zone's latest round, else 0.",
  ),
  // Assessment and lifecycle
  spec(
    "nta_watch_zone_state",
    "gauge",
    ["zone", "state"],
    "The zone's lifecycle state, one-hot: 1 for the current state, 0 for the others. Read from the service at scrape time.",
  ),
  spec(
    "nta_watch_zone_precondition_met",
    "gauge",
    ["zone", "precondition"],
    "1 when the precondition (widespread, confirmed, no_security_value) held in the latest assessment, else 0.",
  ),
  spec(
    "nta_watch_zone_failing",
    "gauge",
    ["zone"],
    "1 when something failed validation in the zone's latest round, 0 when healthy or unknown.",
  ),
  spec(
    "nta_watch_zone_failing_vantage_ratio",
    "gauge",
    ["zone"],
    "Share (0 to 1) of counted recursive vantages failing in the latest round.",
  ),
  spec(
    "nta_watch_zone_signature_expiration_earliest_timestamp_seconds",
    "gauge",
    ["zone"],
    "The earliest RRSIG expiration over the zone's validated answers in the latest round.",
  ),
  spec(
    "nta_watch_zone_signature_horizon_timestamp_seconds",
    "gauge",
    ["zone"],
    "The zone's signature horizon: for each canary the latest expiration served anywhere, the earliest of those. Past it, the zone breaks unless fresher signatures appear.",
  ),
  spec(
    "nta_watch_clock_suspect",
    "gauge",
    ["zone"],
    "1 when the latest assessment found the local clock suspect (every signature looks expired or not yet valid, control zones too).",
  ),
  spec(
    "nta_watch_early_warnings_total",
    "counter",
    ["zone", "kind"],
    "Early warnings raised (signatures-expiring, key-rollover).",
  ),
  spec(
    "nta_watch_nta_active",
    "gauge",
    ["zone"],
    "1 for each zone with an approved NTA in force. Read from the store at scrape time.",
  ),
  spec(
    "nta_watch_nta_expiry_timestamp_seconds",
    "gauge",
    ["zone"],
    "When the NTA in force for the zone expires on its own.",
  ),
  spec(
    "nta_watch_proposal_created_timestamp_seconds",
    "gauge",
    ["zone"],
    "When the proposal now waiting for a person's approval was made.",
  ),
  // Alerts
  spec(
    "nta_watch_alerts_sent_total",
    "counter",
    ["channel"],
    "Alerts a channel's receiver accepted (2xx).",
  ),
  spec(
    "nta_watch_alert_delivery_failures_total",
    "counter",
    ["channel"],
    "Failed delivery attempts (error status, timeout, refused); each is retried with backoff.",
  ),
  spec(
    "nta_watch_alerts_failed_total",
    "counter",
    ["channel"],
    "Alerts given up on after the last allowed attempt.",
  ),
  spec(
    "nta_watch_alerts_suppressed_total",
    "counter",
    ["channel"],
    "Alerts not sent because the same kind, zone and state was sent within the deduplication window.",
  ),
  spec(
    "nta_watch_alert_outbox_pending",
    "gauge",
    [],
    "Deliveries waiting in the outbox (new or retrying). Read from the store at scrape time.",
  ),
  spec(
    "nta_watch_alert_outbox_failed",
    "gauge",
    [],
    "Deliveries in the outbox that were given up on. Read from the store at scrape time.",
  ),
  // Resolvers
  spec(
    "nta_watch_resolver_pushes_total",
    "counter",
    ["resolver", "outcome"],
    "NTA additions and removals pushed to a managed resolver, by outcome (ok, failed).",
  ),
  spec(
    "nta_watch_resolver_drift_ntas",
    "gauge",
    ["resolver"],
    "NTAs on the resolver that differ from what should be in force, at the latest reconciliation.",
  ),
  // The watcher itself
  spec(
    "nta_watch_store_errors_total",
    "counter",
    [],
    "Failed reads or writes of the SQLite store.",
  ),
  // prom-client's default process and Node.js metrics (the ones the dashboards use).
  spec(
    "process_cpu_seconds_total",
    "counter",
    [],
    "Total user and system CPU time spent, seconds.",
    {
      builtin: true,
    },
  ),
  spec("process_resident_memory_bytes", "gauge", [], "Resident memory size, bytes.", {
    builtin: true,
  }),
  spec("process_start_time_seconds", "gauge", [], "Start time of the process, since the epoch.", {
    builtin: true,
  }),
  spec("process_open_fds", "gauge", [], "Number of open file descriptors.", { builtin: true }),
  spec("nodejs_eventloop_lag_seconds", "gauge", [], "Lag of the Node.js event loop, seconds.", {
    builtin: true,
  }),
  spec("nodejs_heap_size_used_bytes", "gauge", [], "Node.js heap used, bytes.", { builtin: true }),
];

/** The names a PromQL expression may end up reading for a metric (histograms expose three series). */
export function seriesNames(m: MetricSpec): string[] {
  if (m.type === "histogram") return [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`];
  return [m.name];
}

export const KNOWN_SERIES: ReadonlySet<string> = new Set(CATALOG.flatMap(seriesNames));

export function metricSpec(name: string): MetricSpec {
  const m = CATALOG.find((x) => x.name === name);
  if (!m) throw new Error(`metric ${name} is not in the catalog`);
  return m;
}

/** README.md's metrics table, generated from the catalog. */
export function metricsTable(): string {
  const rows = CATALOG.map((m) => {
    const labels = m.labels.length > 0 ? m.labels.map((l) => `\`${l}\``).join(", ") : "";
    return `| \`${m.name}\` | ${m.type} | ${labels} | ${m.help.replace(/\|/g, "\\|")} |`;
  });
  return ["| metric | type | labels | meaning |", "|---|---|---|---|", ...rows].join("\n");
}
