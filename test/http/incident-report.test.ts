/**
 * GET /api/v1/incidents/{id}/report.json: an open incident has no end
 * (`open: true`, `endedAt: null`, the latest entry in `latestAt`; its
 * endedAt was the latest entry's time), a closed one ends with its "closed"
 * milestone, and the answer agrees with the schema the OpenAPI document gives.
 */

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { buildTimelineReport } from "../../src/lifecycle/timeline.js";
import type { Milestone, TimelineEntry } from "../../src/lifecycle/types.js";
import { applyEvent } from "../../src/service/apply.js";
import { assessment } from "../lifecycle/support.js";
import { bearer, makeApi, NOW } from "./support.js";

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  items?: Schema;
  minimum?: number;
};

/** The JSON schema keywords the document uses, checked; every mismatch with its path. */
function mismatches(value: unknown, schema: Schema, at = "$"): string[] {
  const kind =
    value === null
      ? "null"
      : Array.isArray(value)
        ? "array"
        : Number.isInteger(value)
          ? "integer"
          : typeof value;
  const types = schema.type === undefined ? undefined : [schema.type].flat();
  if (types && !types.includes(kind) && !(kind === "integer" && types.includes("number"))) {
    return [`${at}: ${kind}, not ${types.join(" or ")}`];
  }
  const found: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) found.push(`${at}: ${String(value)} not listed`);
  if (schema.minimum !== undefined && typeof value === "number" && value < schema.minimum) {
    found.push(`${at}: below ${schema.minimum}`);
  }
  if (kind === "array" && schema.items) {
    (value as unknown[]).forEach((v, i) =>
      found.push(...mismatches(v, schema.items!, `${at}[${i}]`)),
    );
  }
  if (kind === "object") {
    const o = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in o)) found.push(`${at}.${k}: missing`);
    for (const [k, v] of Object.entries(o)) {
      const sub = schema.properties?.[k];
      if (sub) found.push(...mismatches(v, sub, `${at}.${k}`));
      else if (schema.additionalProperties === false) found.push(`${at}.${k}: not in the schema`);
    }
  }
  return found;
}

let api: ReturnType<typeof makeApi>;
beforeEach(() => {
  api = makeApi();
});
afterEach(() => api.close());

const get = (url: string) => api.app.inject({ method: "GET", url, headers: bearer("viewer") });

async function reportSchema(): Promise<Schema> {
  const doc = (await get("/api/v1/openapi.json")).json();
  const op = doc.paths["/api/v1/incidents/{id}/report.json"].get;
  return op.responses["200"].content["application/json"].schema as Schema;
}

/** example. proposed and approved: an incident still open. */
async function openIncident() {
  const a = assessment({ zone: "example.", at: NOW, w: true, c: true, n: true });
  const r = applyEvent(api.store, "example.", { type: "round", assessment: a }, NOW, T);
  if (!r.ok || r.state.phase !== "proposed") throw new Error("no proposal");
  const approved = await api.app.inject({
    method: "POST",
    url: "/api/v1/zones/example./approve",
    headers: bearer("alice"),
    payload: { reason: "registry confirmed", lifetimeSeconds: 3600 },
  });
  expect(approved.statusCode).toBe(200);
  const [incident] = (await get("/api/v1/incidents?zone=example.")).json().incidents;
  return incident as { id: string; closedAt: number | null };
}

describe("the incident report's JSON", () => {
  it("an open incident: open, no end, its latest entry in latestAt", async () => {
    const incident = await openIncident();
    expect(incident.closedAt).toBeNull();
    const answer = (
      await get(`/api/v1/incidents/${encodeURIComponent(incident.id)}/report.json`)
    ).json();
    const { report } = answer;
    expect(report.open).toBe(true);
    expect(report.endedAt).toBeNull();
    const timeline = api.store.timeline(incident.id);
    expect(report.latestAt).toBe(Math.max(...timeline.map((e) => e.at)));
    expect(mismatches(answer, await reportSchema())).toEqual([]);
  });

  it("a closed incident: ended at its closed milestone, and the same schema", async () => {
    const t0 = NOW - 7200;
    const entry = (offset: number, milestone: Milestone): TimelineEntry => ({
      incidentId: "example.@x",
      zone: "example.",
      at: t0 + offset,
      milestone,
      actor: "nta-watch",
      summary: milestone,
    });
    const { json } = buildTimelineReport([
      entry(0, "first-failure"),
      entry(600, "proposal"),
      entry(3000, "recovery-seen"),
      entry(3600, "closed"),
    ]);
    expect(json).toMatchObject({ open: false, endedAt: t0 + 3600, latestAt: t0 + 3600 });
    const incident = { id: "example.@x", zone: "example.", openedAt: t0, closedAt: t0 + 3600 };
    expect(mismatches({ incident, report: json }, await reportSchema())).toEqual([]);
  });

  it("the schema refuses an open incident given an end or no open flag", async () => {
    const schema = await reportSchema();
    const incident = await openIncident();
    const answer = (
      await get(`/api/v1/incidents/${encodeURIComponent(incident.id)}/report.json`)
    ).json();
    const { open: _open, ...withoutOpen } = answer.report;
    void _open;
    expect(mismatches({ ...answer, report: withoutOpen }, schema)).toEqual([
      "$.report.open: missing",
    ]);
    const ended = { ...answer.report, endedAt: "soon" };
    expect(mismatches({ ...answer, report: ended }, schema)).toEqual([
      "$.report.endedAt: string, not integer or null",
    ]);
  });
});
