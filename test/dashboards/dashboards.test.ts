/**
 * The Grafana dashboards and the Prometheus alerting rules in dashboards/:
 * importable (a Prometheus data-source input and variable), generated from
 * src/metrics/dashboards.ts, and naming only metrics the catalog defines.
 * The rules pass `promtool check rules`, and a scrape passes `promtool
 * check metrics`, when Debian's prometheus package is installed (required
 * in CI).
 */

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { KNOWN_SERIES } from "../../src/metrics/catalog.js";
import { DASHBOARDS } from "../../src/metrics/dashboards.js";
import { createMetrics } from "../../src/metrics/registry.js";
import { round, T0 } from "../metrics/support.js";

const dir = new URL("../../dashboards/", import.meta.url);
const PROMTOOL = "/usr/bin/promtool";
const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "bool",
  "offset",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "inf",
  "nan",
]);

/** The metric names a PromQL expression reads, found without a PromQL parser. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names: string[] = [];
  for (const m of bare.matchAll(/(?<![\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(?!\s*\()/g)) {
    if (!KEYWORDS.has(m[1]!.toLowerCase())) names.push(m[1]!);
  }
  return names;
}

interface Panel {
  title: string;
  datasource: { uid: string };
  targets: { expr: string; datasource: { uid: string } }[];
}

const files = Object.keys(DASHBOARDS);
const load = (f: string) => JSON.parse(readFileSync(new URL(f, dir), "utf8"));
const exprsOf = (d: { panels: Panel[] }) => d.panels.flatMap((p) => p.targets.map((t) => t.expr));
const rules = parse(readFileSync(new URL("prometheus-rules.yml", dir), "utf8")) as {
  groups: {
    name: string;
    rules: {
      alert: string;
      expr: string;
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[];
  }[];
};

describe("the metric-name finder", () => {
  it("finds metric names and leaves functions, labels, ranges, keywords and variables", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, vantage) (rate(a_bucket{zone="$zone"}[$__rate_interval]))) / on (zone) b_total > 0 and c unless time() - d offset 5m',
      ),
    ).toEqual(["a_bucket", "b_total", "c", "d"]);
  });
});

describe("Grafana dashboards", () => {
  it("there are three: fleet overview, one zone, the watcher's health", () => {
    expect(files.sort()).toEqual([
      "fleet-overview.json",
      "watcher-health.json",
      "zone-detail.json",
    ]);
  });

  for (const f of files) {
    describe(f, () => {
      const d = load(f);

      it("is what src/metrics/dashboards.ts generates", () => {
        expect(d).toEqual(DASHBOARDS[f]);
      });

      it("asks for a Prometheus data source on import and uses it in every panel and query", () => {
        expect(d.__inputs).toEqual([
          expect.objectContaining({
            name: "DS_PROMETHEUS",
            type: "datasource",
            pluginId: "prometheus",
          }),
        ]);
        expect(d.templating.list).toContainEqual(
          expect.objectContaining({
            name: "DS_PROMETHEUS",
            type: "datasource",
            query: "prometheus",
          }),
        );
        for (const p of d.panels as Panel[]) {
          expect(p.datasource.uid).toBe("${DS_PROMETHEUS}");
          for (const t of p.targets) expect(t.datasource.uid).toBe("${DS_PROMETHEUS}");
        }
        expect(typeof d.uid).toBe("string");
        expect(new Set((d.panels as { id: number }[]).map((p) => p.id)).size).toBe(d.panels.length);
      });

      it("names only metrics of the catalog", () => {
        const names = exprsOf(d).flatMap(metricNames);
        expect(names.length).toBeGreaterThan(0);
        for (const n of names) expect(KNOWN_SERIES, `${f}: ${n}`).toContain(n);
      });
    });
  }

  it("the fleet overview shows zones by state, NTAs in force, proposals waiting", () => {
    const all = exprsOf(load("fleet-overview.json")).join("\n");
    expect(all).toContain("sum by (state) (nta_watch_zone_state)");
    expect(all).toContain("nta_watch_nta_active");
    expect(all).toContain('nta_watch_zone_state{state="proposed"}');
  });

  it("the zone dashboard selects a zone and shows verdicts by vantage and by server, reasons, the horizon", () => {
    const d = load("zone-detail.json");
    expect(d.templating.list.map((v: { name: string }) => v.name)).toContain("zone");
    const all = exprsOf(d).join("\n");
    for (const part of [
      "by (vantage, verdict)",
      "by (server, verdict)",
      "by (reason)",
      "nta_watch_zone_signature_horizon_timestamp_seconds",
    ]) {
      expect(all).toContain(part);
    }
    for (const e of exprsOf(d)) if (e.includes("nta_watch_")) expect(e).toContain('zone="$zone"');
  });
});

describe("Prometheus alerting rules (dashboards/prometheus-rules.yml)", () => {
  const all = rules.groups.flatMap((g) => g.rules);

  it("name only metrics of the catalog, with a severity and a summary each", () => {
    expect(all.length).toBeGreaterThan(10);
    for (const r of all) {
      for (const n of metricNames(r.expr)) expect(KNOWN_SERIES, `${r.alert}: ${n}`).toContain(n);
      expect(["info", "warning", "critical"]).toContain(r.labels.severity);
      expect(r.annotations.summary).toBeTruthy();
    }
    expect(new Set(all.map((r) => r.alert)).size).toBe(all.length);
  });

  it("cover the conditions the watcher alerts on", () => {
    const exprs = all.map((r) => r.expr).join("\n");
    for (const state of ["proposed", "broken", "blocked"])
      expect(exprs).toContain(`state="${state}"`);
    for (const m of [
      "nta_watch_zone_signature_horizon_timestamp_seconds",
      "nta_watch_alerts_failed_total",
      "nta_watch_resolver_drift_ntas",
      "nta_watch_store_errors_total",
      "nta_watch_vantage_up",
    ]) {
      expect(exprs).toContain(m);
    }
  });
});

describe("promtool (Debian's prometheus package)", () => {
  const have = existsSync(PROMTOOL);
  const inCi = process.env.CI === "true";

  it("is installed in CI", () => {
    if (inCi) expect(have, `${PROMTOOL} missing: install Debian's prometheus package`).toBe(true);
  });

  it.skipIf(!have)("check rules accepts the alerting rules", () => {
    const r = spawnSync(
      PROMTOOL,
      ["check", "rules", new URL("prometheus-rules.yml", dir).pathname],
      { encoding: "utf8" },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it.skipIf(!have)("check metrics finds nothing to remark on our metrics in a scrape", async () => {
    const m = createMetrics();
    m.recordRound(
      round("de.", T0, [
        { vantage: "unbound-1", expires: T0 + 3600 },
        { vantage: "192.0.2.1", auth: true },
      ]),
    );
    const r = spawnSync(PROMTOOL, ["check", "metrics"], {
      input: await m.text(),
      encoding: "utf8",
    });
    // prom-client's own Node.js gauges named *_total draw remarks; ours must draw none.
    const remarks = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l.trim() !== "");
    expect(remarks.filter((l) => !/^nodejs_\w+ /.test(l))).toEqual([]);
  });
});
