import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assessZone } from "../../src/assess/assess.js";
import { DEFAULT_THRESHOLDS } from "../../src/config/thresholds.js";
import type { Phase } from "../../src/lifecycle/types.js";
import { CATALOG, KNOWN_SERIES, metricsTable } from "../../src/metrics/catalog.js";
import { createMetrics, PHASES, type ServiceView } from "../../src/metrics/registry.js";
import { parseExposition, round, T0, valueOf, type Obs } from "./support.js";

const ZONE = "de.";

/** A round: two recursive vantages fail with an expired signature, one times out, one validates; two servers. */
const OBS: Obs[] = [
  { vantage: "unbound-1", bogus: "signature-expired", latencyMs: 12 },
  { vantage: "bind-1", bogus: "signature-expired", latencyMs: 340 },
  { vantage: "knot-1", reachable: false },
  { vantage: "pdns-1", latencyMs: 8, expires: T0 + 7200 },
  { vantage: "pdns-1", canary: "DNSKEY", latencyMs: 9, expires: T0 + 9000 },
  { vantage: "192.0.2.1", auth: true, bogus: "signature-expired" },
  { vantage: "192.0.2.2", auth: true, reachable: false },
];

function view(over: Partial<ServiceView> = {}): ServiceView {
  return {
    zones: () => [
      { zone: "de.", phase: "proposed" },
      { zone: "al.", phase: "active" },
    ],
    ntasInForce: () => [{ zone: "al.", expiresAt: T0 + 86400 }],
    openProposals: () => [{ zone: "de.", proposedAt: T0 - 600 }],
    outbox: () => ({ pending: 3, failed: 1 }),
    ...over,
  };
}

describe("metric names follow the Prometheus conventions", () => {
  it("every name is snake case with the nta_watch_ prefix, counters end in _total", () => {
    for (const m of CATALOG.filter((x) => !x.builtin)) {
      expect(m.name).toMatch(/^nta_watch_[a-z0-9_]+$/);
      expect(m.name.endsWith("_total")).toBe(m.type === "counter");
      expect(m.help.length).toBeGreaterThan(10);
    }
  });

  it("points in time are _timestamp_seconds and durations _seconds, in base units", () => {
    for (const m of CATALOG) {
      expect(m.name).not.toMatch(/_(ms|milliseconds|minutes|hours|kilobytes|megabytes)(_|$)/);
      if (/timestamp/.test(m.name)) expect(m.name).toMatch(/_timestamp_seconds$/);
    }
  });

  it("labels are bounded: never a canary, a name or a free text", () => {
    const allowed = new Set([
      "zone",
      "vantage",
      "server",
      "verdict",
      "reason",
      "state",
      "channel",
      "resolver",
      "precondition",
      "outcome",
      "kind",
      "version",
    ]);
    for (const m of CATALOG) for (const l of m.labels) expect(allowed).toContain(l);
  });

  it("README.md's metrics table lists every metric of the catalog, as generated", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Metrics"));
    for (const m of CATALOG) expect(section).toContain(`| \`${m.name}\` | ${m.type} |`);
    expect(readme).toContain(metricsTable());
  });
});

describe("the registry", () => {
  it("is a registry of its own: two services in one process do not share metrics", async () => {
    const a = createMetrics({ processMetrics: false });
    const b = createMetrics({ processMetrics: false });
    a.recordStoreError();
    const sb = parseExposition(await b.text());
    expect(valueOf(sb, "nta_watch_store_errors_total")).toBe(0);
    expect(valueOf(parseExposition(await a.text()), "nta_watch_store_errors_total")).toBe(1);
  });

  it("exposes exactly the catalog's metrics, process metrics included", async () => {
    const m = createMetrics({ view: view(), version: "1.2.3" });
    const names = new Set(m.registry.getMetricsAsArray().map((x) => x.name));
    for (const spec of CATALOG) expect(names).toContain(spec.name);
    for (const n of names) {
      if (n.startsWith("nta_watch_")) expect(CATALOG.map((c) => c.name)).toContain(n);
    }
    const samples = parseExposition(await m.text());
    for (const s of samples.filter((x) => x.name.startsWith("nta_watch_"))) {
      expect(KNOWN_SERIES).toContain(s.name);
    }
    expect(valueOf(samples, "nta_watch_build_info", { version: "1.2.3" })).toBe(1);
  });
});

describe("a round and its assessment, scraped", () => {
  it("probes are counted by vantage, outcome, verdict and reason as the round had them", async () => {
    const m = createMetrics({ processMetrics: false });
    const r = round(ZONE, T0, OBS);
    m.recordRound(r);
    m.recordRound({ ...r, at: T0 + 60 });
    const s = parseExposition(await m.text());
    const probes = (labels: Record<string, string>) =>
      valueOf(s, "nta_watch_probes_total", { zone: ZONE, ...labels });
    expect(
      probes({
        vantage: "unbound-1",
        outcome: "answered",
        verdict: "bogus",
        reason: "signature-expired",
      }),
    ).toBe(2);
    expect(
      probes({
        vantage: "knot-1",
        outcome: "timeout",
        verdict: "indeterminate",
        reason: "timeout",
      }),
    ).toBe(2);
    expect(
      probes({ vantage: "pdns-1", outcome: "answered", verdict: "secure", reason: "none" }),
    ).toBe(4);
    expect(
      valueOf(s, "nta_watch_authoritative_probes_total", { server: "192.0.2.1", verdict: "bogus" }),
    ).toBe(2);
    expect(valueOf(s, "nta_watch_rounds_total", { zone: ZONE })).toBe(2);
    expect(valueOf(s, "nta_watch_round_timestamp_seconds", { zone: ZONE })).toBe(T0 + 60);
  });

  it("latency lands in the histogram buckets of the CD=0 answers, in seconds", async () => {
    const m = createMetrics({ processMetrics: false });
    m.recordRound(round(ZONE, T0, OBS));
    const s = parseExposition(await m.text());
    const h = (vantage: string, le: string) =>
      valueOf(s, "nta_watch_probe_duration_seconds_bucket", { zone: ZONE, vantage, le });
    // 12 ms: above the 0.01 s bound, within 0.025 s; 340 ms: within 0.5 s.
    expect(h("unbound-1", "0.01")).toBe(0);
    expect(h("unbound-1", "0.025")).toBe(1);
    expect(h("bind-1", "0.25")).toBe(0);
    expect(h("bind-1", "0.5")).toBe(1);
    expect(
      valueOf(s, "nta_watch_probe_duration_seconds_count", { zone: ZONE, vantage: "pdns-1" }),
    ).toBe(2);
    expect(
      valueOf(s, "nta_watch_probe_duration_seconds_sum", { zone: ZONE, vantage: "pdns-1" }),
    ).toBeCloseTo(0.017, 6);
    // No user answer from a vantage that timed out.
    expect(
      valueOf(s, "nta_watch_probe_duration_seconds_count", { zone: ZONE, vantage: "knot-1" }),
    ).toBeUndefined();
  });

  it("reachability: a vantage or server that answered nothing in the round is 0", async () => {
    const m = createMetrics({ processMetrics: false });
    m.recordRound(round(ZONE, T0, OBS));
    let s = parseExposition(await m.text());
    expect(valueOf(s, "nta_watch_vantage_up", { vantage: "knot-1" })).toBe(0);
    expect(valueOf(s, "nta_watch_vantage_up", { vantage: "bind-1" })).toBe(1);
    expect(valueOf(s, "nta_watch_authoritative_up", { server: "192.0.2.1" })).toBe(1);
    expect(valueOf(s, "nta_watch_authoritative_up", { server: "192.0.2.2" })).toBe(0);
    // A server gone from the zone's NS set leaves the metric.
    m.recordRound(round(ZONE, T0 + 60, [{ vantage: "192.0.2.1", auth: true }]));
    s = parseExposition(await m.text());
    expect(valueOf(s, "nta_watch_authoritative_up", { server: "192.0.2.2" })).toBeUndefined();
  });

  it("the signature times: earliest seen, and the horizon the freshest signatures give", async () => {
    const m = createMetrics({ processMetrics: false });
    m.recordRound(round(ZONE, T0, OBS));
    const s = parseExposition(await m.text());
    // SOA expires T0+7200, DNSKEY T0+9000: the earliest is the SOA's, and so is the horizon.
    expect(
      valueOf(s, "nta_watch_zone_signature_expiration_earliest_timestamp_seconds", { zone: ZONE }),
    ).toBe(T0 + 7200);
    expect(valueOf(s, "nta_watch_zone_signature_horizon_timestamp_seconds", { zone: ZONE })).toBe(
      T0 + 7200,
    );
  });

  it("the three preconditions, failing and the failing share follow the assessment", async () => {
    const m = createMetrics({ processMetrics: false });
    const r = round(ZONE, T0, OBS);
    const a = assessZone(
      { zone: ZONE, rounds: [r], confirmations: [], lastKnownGood: {}, now: T0 },
      DEFAULT_THRESHOLDS,
    );
    m.recordAssessment(a);
    const s = parseExposition(await m.text());
    const met = (p: string) =>
      valueOf(s, "nta_watch_zone_precondition_met", { zone: ZONE, precondition: p });
    expect(met("widespread")).toBe(a.widespread.met ? 1 : 0);
    expect(met("confirmed")).toBe(0);
    expect(met("no_security_value")).toBe(a.noSecurityValue.met ? 1 : 0);
    expect(valueOf(s, "nta_watch_zone_failing", { zone: ZONE })).toBe(1);
    const fig = a.widespread.evidence.figures.rounds.at(-1)!;
    expect(valueOf(s, "nta_watch_zone_failing_vantage_ratio", { zone: ZONE })).toBeCloseTo(
      fig.vantagesFailing.length / fig.vantagesCounted,
      9,
    );
  });
});

describe("state read at scrape time", () => {
  it("the lifecycle state is one-hot per zone, over every state", async () => {
    const zones: { zone: string; phase: Phase }[] = [{ zone: "de.", phase: "proposed" }];
    const m = createMetrics({ processMetrics: false, view: view({ zones: () => zones }) });
    let s = parseExposition(await m.text());
    const states = s.filter((x) => x.name === "nta_watch_zone_state" && x.labels.zone === "de.");
    expect(states.map((x) => x.labels.state).sort()).toEqual([...PHASES].sort());
    expect(states.filter((x) => x.value === 1).map((x) => x.labels.state)).toEqual(["proposed"]);
    zones[0] = { zone: "de.", phase: "active" };
    s = parseExposition(await m.text());
    expect(valueOf(s, "nta_watch_zone_state", { zone: "de.", state: "active" })).toBe(1);
    expect(valueOf(s, "nta_watch_zone_state", { zone: "de.", state: "proposed" })).toBe(0);
  });

  it("NTAs in force with their expiry, proposals waiting, the outbox", async () => {
    const m = createMetrics({ processMetrics: false, view: view() });
    const s = parseExposition(await m.text());
    expect(valueOf(s, "nta_watch_nta_active", { zone: "al." })).toBe(1);
    expect(valueOf(s, "nta_watch_nta_active", { zone: "de." })).toBeUndefined();
    expect(valueOf(s, "nta_watch_nta_expiry_timestamp_seconds", { zone: "al." })).toBe(T0 + 86400);
    expect(valueOf(s, "nta_watch_proposal_created_timestamp_seconds", { zone: "de." })).toBe(
      T0 - 600,
    );
    expect(valueOf(s, "nta_watch_alert_outbox_pending")).toBe(3);
    expect(valueOf(s, "nta_watch_alert_outbox_failed")).toBe(1);
  });

  it("a view that throws leaves its gauges empty and counts a store error", async () => {
    const broken = view({
      zones: () => {
        throw new Error("database is closed");
      },
    });
    const m = createMetrics({ processMetrics: false, view: broken });
    const s = parseExposition(await m.text());
    expect(s.filter((x) => x.name === "nta_watch_zone_state")).toEqual([]);
    expect(valueOf(s, "nta_watch_store_errors_total")).toBe(1);
  });
});

describe("early warnings", () => {
  it("counts the early warnings among a round's effects, by zone and kind, and nothing else", async () => {
    const m = createMetrics({ processMetrics: false });
    const alert = (kind: "signatures-expiring" | "key-rollover" | "failure") => ({
      kind: "alert" as const,
      alert: { kind, zone: ZONE, severity: "warning" as const, summary: kind },
    });
    m.recordEarlyWarnings([alert("signatures-expiring"), alert("key-rollover"), alert("failure")]);
    m.recordEarlyWarnings([alert("key-rollover")]);
    const s = parseExposition(await m.text());
    expect(valueOf(s, "nta_watch_early_warnings_total", { zone: ZONE, kind: "key-rollover" })).toBe(
      2,
    );
    expect(
      valueOf(s, "nta_watch_early_warnings_total", { zone: ZONE, kind: "signatures-expiring" }),
    ).toBe(1);
    expect(
      valueOf(s, "nta_watch_early_warnings_total", { zone: ZONE, kind: "failure" }),
    ).toBeUndefined();
  });
});

describe("alerts, resolvers, store", () => {
  it("counts each call by its label", async () => {
    const m = createMetrics({ processMetrics: false });
    m.recordAlert("slack", true);
    m.recordAlert("webhook:pager", false);
    m.recordAlert("webhook:pager", false);
    m.recordAlertGivenUp("webhook:pager");
    m.recordPush("unbound-fra1", true);
    m.recordPush("bind-ams1", false);
    m.recordDrift("bind-ams1", 2);
    m.recordReconcile([
      {
        resolver: "kresd-1",
        up: true,
        pushesOk: 3,
        pushesFailed: 1,
        drift: { missing: 1, foreign: 2 },
      },
    ]);
    const s = parseExposition(await m.text());
    expect(valueOf(s, "nta_watch_alerts_sent_total", { channel: "slack" })).toBe(1);
    expect(
      valueOf(s, "nta_watch_alert_delivery_failures_total", { channel: "webhook:pager" }),
    ).toBe(2);
    expect(valueOf(s, "nta_watch_alerts_failed_total", { channel: "webhook:pager" })).toBe(1);
    expect(
      valueOf(s, "nta_watch_resolver_pushes_total", { resolver: "bind-ams1", outcome: "failed" }),
    ).toBe(1);
    expect(
      valueOf(s, "nta_watch_resolver_pushes_total", { resolver: "kresd-1", outcome: "ok" }),
    ).toBe(3);
    expect(valueOf(s, "nta_watch_resolver_drift_ntas", { resolver: "bind-ams1" })).toBe(2);
    expect(valueOf(s, "nta_watch_resolver_drift_ntas", { resolver: "kresd-1" })).toBe(3);
  });
});
