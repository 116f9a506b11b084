/**
 * GET /api/v1/alerts: the outbox's deliveries as a viewer reads them,
 * filtered by status, zone and count, with the pending and failed totals.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  enqueueAlerts,
  fanOut,
  markDeliveryFailed,
  markDeliverySent,
} from "../../src/store/outbox.js";
import { bearer, makeApi, NOW } from "./support.js";

let api: ReturnType<typeof makeApi>;
beforeEach(() => {
  api = makeApi();
});
afterEach(() => api.close());

const alert = (zone: string, kind: string, summary: string) => ({
  kind,
  zone,
  severity: "warning",
  summary,
});

/** Two alerts on two channels: de.'s sent to both, example.'s failed on one, pending on the other. */
function seed() {
  const db = api.store.db;
  const [de, example] = enqueueAlerts(
    db,
    [alert("de.", "broken", "de. fails validation"), alert("example.", "drift", "drifted")],
    NOW,
  );
  fanOut(db, NOW, [{ name: "slack" }, { name: "webhook:pager" }], 1800);
  markDeliverySent(db, { alertId: de!, channel: "slack" }, NOW + 1);
  markDeliverySent(db, { alertId: de!, channel: "webhook:pager" }, NOW + 1);
  markDeliveryFailed(db, { alertId: example!, channel: "webhook:pager" }, NOW + 2, "HTTP 404");
  return { de: de!, example: example! };
}

async function get(url: string, who = "viewer") {
  return api.app.inject({ url, headers: bearer(who) });
}

describe("GET /api/v1/alerts", () => {
  it("lists every delivery, newest alert first, with the outbox counts", async () => {
    const ids = seed();
    const r = await get("/api/v1/alerts");
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(
      body.deliveries.map((d: { alertId: number; channel: string; status: string }) => [
        d.alertId,
        d.channel,
        d.status,
      ]),
    ).toEqual([
      [ids.example, "slack", "pending"],
      [ids.example, "webhook:pager", "failed"],
      [ids.de, "slack", "sent"],
      [ids.de, "webhook:pager", "sent"],
    ]);
    expect(body.deliveries[1]).toMatchObject({
      zone: "example.",
      kind: "drift",
      summary: "drifted",
      lastError: "HTTP 404",
      attempts: 1,
    });
    expect(body.counts).toEqual({ pending: 1, failed: 1 });
  });

  it("filters by status, by zone (trailing dot optional) and by count", async () => {
    const ids = seed();
    const sent = (await get("/api/v1/alerts?status=sent")).json().deliveries;
    expect(sent.map((d: { alertId: number }) => d.alertId)).toEqual([ids.de, ids.de]);
    const ex = (await get("/api/v1/alerts?zone=EXAMPLE")).json().deliveries;
    expect(new Set(ex.map((d: { zone: string }) => d.zone))).toEqual(new Set(["example."]));
    expect((await get("/api/v1/alerts?limit=1")).json().deliveries).toHaveLength(1);
  });

  it("refuses an unknown status, a bad limit and a missing token", async () => {
    expect((await get("/api/v1/alerts?status=lost")).statusCode).toBe(400);
    expect((await get("/api/v1/alerts?limit=0")).statusCode).toBe(400);
    expect((await get("/api/v1/alerts?zone=a..b")).statusCode).toBe(400);
    expect((await api.app.inject({ url: "/api/v1/alerts" })).statusCode).toBe(401);
  });
});
