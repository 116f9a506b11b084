/**
 * The Grafana dashboards in dashboards/, generated from here so that every
 * panel is built the same way (a test checks the committed files match):
 *
 *   npx tsx -e "import {writeDashboards} from './src/metrics/dashboards.ts'; writeDashboards('dashboards')" && npx prettier --write dashboards
 *
 * Each is importable as it is: the Prometheus data source is the input
 * DS_PROMETHEUS (asked for on import) and a data-source variable of the
 * same name (for provisioned dashboards).
 */

import { writeFileSync } from "node:fs";
import path from "node:path";

type Json = Record<string, unknown>;

const DS = { type: "prometheus", uid: "${DS_PROMETHEUS}" };

interface Target {
  expr: string;
  legend?: string;
  instant?: boolean;
}

interface PanelSpec {
  title: string;
  type: "stat" | "timeseries" | "table" | "state-timeline" | "bargauge";
  targets: Target[];
  w: number;
  h: number;
  unit?: string;
  description?: string;
  stack?: boolean;
}

function panels(specs: PanelSpec[]): Json[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((p, i) => {
    if (x + p.w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w: p.w, h: p.h };
    x += p.w;
    rowHeight = Math.max(rowHeight, p.h);
    const panel: Json = {
      id: i + 1,
      type: p.type,
      title: p.title,
      datasource: DS,
      gridPos,
      targets: p.targets.map((t, j) => ({
        datasource: DS,
        refId: String.fromCharCode(65 + j),
        expr: t.expr,
        legendFormat: t.legend ?? "__auto",
        instant: t.instant ?? false,
        range: !(t.instant ?? false),
      })),
      fieldConfig: {
        defaults: {
          unit: p.unit ?? "short",
          ...(p.stack ? { custom: { stacking: { mode: "normal" }, fillOpacity: 60 } } : {}),
        },
        overrides: [],
      },
      options: {},
    };
    if (p.description) panel.description = p.description;
    return panel;
  });
}

function dashboard(
  uid: string,
  title: string,
  description: string,
  specs: PanelSpec[],
  variables: Json[] = [],
): Json {
  const types = [...new Set(specs.map((s) => s.type))].sort();
  return {
    __inputs: [
      {
        name: "DS_PROMETHEUS",
        label: "Prometheus",
        description: "The Prometheus that scrapes nta-watch's /metrics",
        type: "datasource",
        pluginId: "prometheus",
        pluginName: "Prometheus",
      },
    ],
    __requires: [
      { type: "grafana", id: "grafana", name: "Grafana", version: "10.0.0" },
      { type: "datasource", id: "prometheus", name: "Prometheus", version: "1.0.0" },
      ...types.map((t) => ({ type: "panel", id: t, name: t, version: "" })),
    ],
    uid,
    title,
    description,
    tags: ["nta-watch", "dnssec"],
    editable: true,
    schemaVersion: 39,
    version: 1,
    time: { from: "now-6h", to: "now" },
    refresh: "1m",
    timezone: "utc",
    templating: {
      list: [
        {
          name: "DS_PROMETHEUS",
          label: "Data source",
          type: "datasource",
          query: "prometheus",
          hide: 0,
          current: {},
        },
        ...variables,
      ],
    },
    annotations: { list: [] },
    links: [{ title: "nta-watch", type: "dashboards", tags: ["nta-watch"], asDropdown: true }],
    panels: panels(specs),
  };
}

const zoneVariable: Json = {
  name: "zone",
  label: "Zone",
  type: "query",
  datasource: DS,
  query: { query: "label_values(nta_watch_zone_state, zone)", refId: "zones" },
  definition: "label_values(nta_watch_zone_state, zone)",
  refresh: 2,
  sort: 1,
  hide: 0,
  current: {},
};

const rate = "$__rate_interval";

export const FLEET = dashboard(
  "nta-watch-fleet",
  "nta-watch: fleet overview",
  "Every watched zone: its lifecycle state, the NTAs in force, the proposals waiting for a person.",
  [
    {
      title: "Proposals waiting for approval",
      type: "stat",
      w: 6,
      h: 5,
      targets: [
        { expr: 'sum(nta_watch_zone_state{state="proposed"}) or vector(0)', instant: true },
      ],
    },
    {
      title: "NTAs in force",
      type: "stat",
      w: 6,
      h: 5,
      targets: [{ expr: "sum(nta_watch_nta_active) or vector(0)", instant: true }],
    },
    {
      title: "Zones failing",
      type: "stat",
      w: 6,
      h: 5,
      targets: [{ expr: "sum(nta_watch_zone_failing) or vector(0)", instant: true }],
    },
    {
      title: "Tampering alarms (blocked zones)",
      type: "stat",
      w: 6,
      h: 5,
      targets: [{ expr: 'sum(nta_watch_zone_state{state="blocked"}) or vector(0)', instant: true }],
    },
    {
      title: "Zones by state",
      type: "timeseries",
      w: 12,
      h: 8,
      stack: true,
      targets: [{ expr: "sum by (state) (nta_watch_zone_state)", legend: "{{state}}" }],
    },
    {
      title: "Zones not healthy",
      type: "table",
      w: 12,
      h: 8,
      targets: [
        { expr: 'nta_watch_zone_state{state!="healthy"} == 1', legend: "{{zone}}", instant: true },
      ],
    },
    {
      title: "NTA time left",
      type: "bargauge",
      w: 8,
      h: 8,
      unit: "s",
      targets: [{ expr: "nta_watch_nta_expiry_timestamp_seconds - time()", legend: "{{zone}}" }],
    },
    {
      title: "Proposal waiting for",
      type: "bargauge",
      w: 8,
      h: 8,
      unit: "s",
      targets: [
        { expr: "time() - nta_watch_proposal_created_timestamp_seconds", legend: "{{zone}}" },
      ],
    },
    {
      title: "Signature horizon, time left",
      type: "bargauge",
      w: 8,
      h: 8,
      unit: "s",
      description: "Past it, the zone breaks unless its signer serves fresher signatures.",
      targets: [
        {
          expr: "nta_watch_zone_signature_horizon_timestamp_seconds - time()",
          legend: "{{zone}}",
        },
      ],
    },
    {
      title: "Share of vantages failing",
      type: "timeseries",
      w: 12,
      h: 8,
      unit: "percentunit",
      targets: [{ expr: "nta_watch_zone_failing_vantage_ratio", legend: "{{zone}}" }],
    },
    {
      title: "Preconditions met",
      type: "table",
      w: 12,
      h: 8,
      targets: [
        {
          expr: "nta_watch_zone_precondition_met == 1",
          legend: "{{zone}} {{precondition}}",
          instant: true,
        },
      ],
    },
  ],
);

export const ZONE = dashboard(
  "nta-watch-zone",
  "nta-watch: one zone",
  "One zone in detail: verdicts by vantage and by authoritative server, reasons, preconditions, signature horizon.",
  [
    {
      title: "Lifecycle state",
      type: "state-timeline",
      w: 24,
      h: 5,
      targets: [{ expr: 'nta_watch_zone_state{zone="$zone"} == 1', legend: "{{state}}" }],
    },
    {
      title: "Verdicts by vantage",
      type: "timeseries",
      w: 12,
      h: 9,
      stack: true,
      targets: [
        {
          expr: `sum by (vantage, verdict) (increase(nta_watch_probes_total{zone="$zone"}[${rate}]))`,
          legend: "{{vantage}} {{verdict}}",
        },
      ],
    },
    {
      title: "Verdicts by authoritative server",
      type: "timeseries",
      w: 12,
      h: 9,
      stack: true,
      targets: [
        {
          expr: `sum by (server, verdict) (increase(nta_watch_authoritative_probes_total{zone="$zone"}[${rate}]))`,
          legend: "{{server}} {{verdict}}",
        },
      ],
    },
    {
      title: "Reasons of bogus verdicts",
      type: "timeseries",
      w: 12,
      h: 8,
      stack: true,
      targets: [
        {
          expr: `sum by (reason) (increase(nta_watch_probes_total{zone="$zone", verdict="bogus"}[${rate}]))`,
          legend: "{{reason}} (vantages)",
        },
        {
          expr: `sum by (reason) (increase(nta_watch_authoritative_probes_total{zone="$zone", verdict="bogus"}[${rate}]))`,
          legend: "{{reason}} (authoritatives)",
        },
      ],
    },
    {
      title: "Preconditions",
      type: "state-timeline",
      w: 12,
      h: 8,
      targets: [
        {
          expr: 'nta_watch_zone_precondition_met{zone="$zone"}',
          legend: "{{precondition}}",
        },
      ],
    },
    {
      title: "Signature horizon and earliest expiration, time left",
      type: "timeseries",
      w: 12,
      h: 8,
      unit: "s",
      targets: [
        {
          expr: 'nta_watch_zone_signature_horizon_timestamp_seconds{zone="$zone"} - time()',
          legend: "horizon (freshest signatures)",
        },
        {
          expr: 'nta_watch_zone_signature_expiration_earliest_timestamp_seconds{zone="$zone"} - time()',
          legend: "earliest seen",
        },
      ],
    },
    {
      title: "Probe latency p95 by vantage",
      type: "timeseries",
      w: 12,
      h: 8,
      unit: "s",
      targets: [
        {
          expr: `histogram_quantile(0.95, sum by (le, vantage) (rate(nta_watch_probe_duration_seconds_bucket{zone="$zone"}[${rate}])))`,
          legend: "{{vantage}}",
        },
      ],
    },
    {
      title: "Authoritative servers answering",
      type: "state-timeline",
      w: 12,
      h: 8,
      targets: [{ expr: 'nta_watch_authoritative_up{zone="$zone"}', legend: "{{server}}" }],
    },
    {
      title: "Early warnings",
      type: "timeseries",
      w: 12,
      h: 8,
      targets: [
        {
          expr: 'increase(nta_watch_early_warnings_total{zone="$zone"}[1h])',
          legend: "{{kind}}",
        },
      ],
    },
  ],
  [zoneVariable],
);

export const HEALTH = dashboard(
  "nta-watch-health",
  "nta-watch: the watcher's own health",
  "Is the watcher working: rounds on time, vantages answering, alerts getting out, resolvers taking NTAs, the store.",
  [
    {
      title: "Time since the last round",
      type: "bargauge",
      w: 12,
      h: 8,
      unit: "s",
      targets: [{ expr: "time() - nta_watch_round_timestamp_seconds", legend: "{{zone}}" }],
    },
    {
      title: "Vantages answering",
      type: "state-timeline",
      w: 12,
      h: 8,
      targets: [{ expr: "nta_watch_vantage_up", legend: "{{vantage}}" }],
    },
    {
      title: "Alerts sent, failed attempts, given up, by channel",
      type: "timeseries",
      w: 12,
      h: 8,
      targets: [
        {
          expr: `sum by (channel) (increase(nta_watch_alerts_sent_total[${rate}]))`,
          legend: "{{channel}} sent",
        },
        {
          expr: `sum by (channel) (increase(nta_watch_alert_delivery_failures_total[${rate}]))`,
          legend: "{{channel}} failed attempts",
        },
        {
          expr: `sum by (channel) (increase(nta_watch_alerts_failed_total[${rate}]))`,
          legend: "{{channel}} given up",
        },
      ],
    },
    {
      title: "Alert outbox",
      type: "timeseries",
      w: 12,
      h: 8,
      targets: [
        { expr: "nta_watch_alert_outbox_pending", legend: "pending" },
        { expr: "nta_watch_alert_outbox_failed", legend: "given up" },
      ],
    },
    {
      title: "Resolver pushes by outcome",
      type: "timeseries",
      w: 12,
      h: 8,
      targets: [
        {
          expr: `sum by (resolver, outcome) (increase(nta_watch_resolver_pushes_total[${rate}]))`,
          legend: "{{resolver}} {{outcome}}",
        },
      ],
    },
    {
      title: "Resolver drift (NTAs differing from what should be in force)",
      type: "timeseries",
      w: 12,
      h: 8,
      targets: [{ expr: "nta_watch_resolver_drift_ntas", legend: "{{resolver}}" }],
    },
    {
      title: "Store errors",
      type: "timeseries",
      w: 8,
      h: 7,
      targets: [{ expr: `increase(nta_watch_store_errors_total[${rate}])`, legend: "errors" }],
    },
    {
      title: "CPU",
      type: "timeseries",
      w: 8,
      h: 7,
      unit: "percentunit",
      targets: [{ expr: `rate(process_cpu_seconds_total[${rate}])`, legend: "{{instance}}" }],
    },
    {
      title: "Memory and event loop lag",
      type: "timeseries",
      w: 8,
      h: 7,
      unit: "bytes",
      targets: [
        { expr: "process_resident_memory_bytes", legend: "resident" },
        { expr: "nodejs_heap_size_used_bytes", legend: "heap used" },
      ],
    },
    {
      title: "Event loop lag",
      type: "timeseries",
      w: 12,
      h: 7,
      unit: "s",
      targets: [{ expr: "nodejs_eventloop_lag_seconds", legend: "{{instance}}" }],
    },
    {
      title: "Uptime and version",
      type: "table",
      w: 12,
      h: 7,
      targets: [
        { expr: "time() - process_start_time_seconds", legend: "uptime", instant: true },
        { expr: "nta_watch_build_info", legend: "{{version}}", instant: true },
      ],
    },
  ],
);

export const DASHBOARDS: Record<string, Json> = {
  "fleet-overview.json": FLEET,
  "zone-detail.json": ZONE,
  "watcher-health.json": HEALTH,
};

export function dashboardText(d: Json): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

export function writeDashboards(dir: string): void {
  for (const [name, d] of Object.entries(DASHBOARDS)) {
    writeFileSync(path.join(dir, name), dashboardText(d));
  }
}
