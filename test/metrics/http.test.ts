/**
 * GET /metrics on the API server, listening on 127.0.0.1, after real
 * rounds went through the service's apply step and the store: the values
 * scraped are the ones the store and the assessment hold.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { TokenTable } from "../../src/http/auth.js";
import { buildApi } from "../../src/http/server.js";
import { mountMetrics } from "../../src/metrics/http.js";
import { createMetrics, PHASES } from "../../src/metrics/registry.js";
import { storeView } from "../../src/metrics/store-view.js";
import { applyRound } from "../../src/service/apply.js";
import { enqueueAlerts } from "../../src/store/outbox.js";
import { Store } from "../../src/store/store.js";
import { parseExposition, round, T0, valueOf, type Obs } from "./support.js";

const ZONE = "de.";
let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "nta-watch-metrics-"));
  store = Store.open(path.join(dir, "state.db"), T0);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const FAILING: Obs[] = [
  { vantage: "unbound-1", bogus: "signature-expired" },
  { vantage: "bind-1", bogus: "signature-expired" },
  { vantage: "knot-1", bogus: "signature-expired" },
  { vantage: "pdns-1", bogus: "signature-expired" },
  { vantage: "192.0.2.1", auth: true, bogus: "signature-expired" },
];

describe("GET /metrics on the running API", () => {
  it("serves the registry in the text format, with the store's state and the round's counts", async () => {
    const metrics = createMetrics({ version: "test" });
    metrics.attach(storeView(store));
    const app = buildApi(
      {
        store,
        thresholds: T,
        now: () => T0,
        tokens: new TokenTable([]),
        watched: () => [ZONE],
        publisher: "test",
        publicNtaFeed: false,
      },
      { mount: mountMetrics(metrics) },
    );
    await app.listen({ host: "127.0.0.1", port: 0 });
    try {
      let outcome;
      for (let i = 0; i < 3; i++) {
        const r = round(ZONE, T0 + 60 * i, FAILING);
        outcome = applyRound(store, r, r.at, T);
        metrics.recordRound(r);
        metrics.recordAssessment(outcome.assessment);
      }
      enqueueAlerts(store.db, [{ kind: "drift", zone: "", severity: "warning", summary: "x" }], T0);

      const { port } = app.server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const s = parseExposition(await res.text());

      const phase = store.zone(ZONE)!.state.phase;
      for (const p of PHASES) {
        expect(valueOf(s, "nta_watch_zone_state", { zone: ZONE, state: p })).toBe(
          p === phase ? 1 : 0,
        );
      }
      expect(valueOf(s, "nta_watch_rounds_total", { zone: ZONE })).toBe(3);
      expect(
        valueOf(s, "nta_watch_probes_total", {
          zone: ZONE,
          vantage: "bind-1",
          verdict: "bogus",
          reason: "signature-expired",
        }),
      ).toBe(3);
      expect(
        valueOf(s, "nta_watch_zone_precondition_met", { zone: ZONE, precondition: "widespread" }),
      ).toBe(outcome!.assessment.widespread.met ? 1 : 0);
      // Alerts of the transitions plus the one enqueued, none handed to a channel yet.
      const outbox = store.dueAlerts(T0 + 3600).length;
      expect(valueOf(s, "nta_watch_alert_outbox_pending")).toBe(outbox);
      expect(valueOf(s, "process_start_time_seconds")).toBeGreaterThan(0);
      expect(valueOf(s, "nta_watch_build_info", { version: "test" })).toBe(1);
    } finally {
      await app.close();
    }
  });
});
