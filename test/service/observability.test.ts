/**
 * `serve` as operators watch it: the service started in-process on a real
 * SQLite file with synthetic rounds, a webhook receiver listening on
 * 127.0.0.1, and everything read back over real HTTP. A zone goes healthy,
 * broken and (a person confirms) proposed; then GET /metrics shows the
 * zone's state and the probes of every round, the receiver holds the
 * proposal signed with its secret (HMAC-SHA256 over time and body), and
 * GET /api/v1/alerts lists that delivery as sent.
 */

import path from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { SIGNATURE_HEADER, verifySignature } from "../../src/notify/sign.js";
import type { Round } from "../../src/probe/observation.js";
import { bootParts } from "../../src/service/boot.js";
import { Service } from "../../src/service/service.js";
import { parseExposition, valueOf } from "../metrics/support.js";
import { startReceiver, type Receiver } from "../notify/receiver.js";
import { ENV, Harness, makeConfig } from "./support.js";

const SECRET = "pager-hmac-secret-0123456789abcdef";

/** The service harness with a webhook receiver configured; every probed round kept. */
class AlertHarness extends Harness {
  readonly rounds: Round[] = [];
  constructor(
    private readonly hookUrl: string,
    private readonly secret: string | null = SECRET,
  ) {
    super();
  }

  override async start(): Promise<Service> {
    const config = makeConfig(this.dir, {
      notify: { webhooks: [{ name: "pager", url: this.hookUrl, secret: { env: "PAGER_SECRET" } }] },
    });
    const booted = await bootParts(config, path.join(this.dir, "nta-watch.yaml"), {
      env: this.secret === null ? ENV : { ...ENV, PAGER_SECRET: this.secret },
      logger: pino({ level: "silent" }),
      probeRound: async (zone, now) => {
        const r = await this.probe(zone, now);
        this.rounds.push(r);
        return r;
      },
      now: () => this.clock,
      schedule: false,
    });
    if (!booted.ok) throw new Error(JSON.stringify(booted.errors));
    this.service = await Service.start(booted.parts);
    return this.service;
  }
}

let receiver: Receiver;
let h: AlertHarness;
beforeEach(async () => {
  receiver = await startReceiver();
  h = new AlertHarness(receiver.url);
  await h.start();
});
afterEach(async () => {
  await h.close();
  await receiver.close();
});

async function scrape() {
  const r = await fetch(h.url("/metrics"));
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
  return parseExposition(await r.text());
}

/** Healthy once, broken until widespread, a person's confirmation, broken again: proposed. */
async function driveToProposed() {
  await h.round("healthy");
  for (let i = 0; i < T.consecutiveRounds; i++) await h.round("broken");
  expect((await h.get("/api/v1/zones/example.")).body.phase).toBe("broken");
  const confirmed = await h.post("/api/v1/zones/example./confirm", {
    reference: "https://status.registry.example/incidents/7",
  });
  expect(confirmed.status).toBe(201);
  await h.round("broken");
  expect((await h.get("/api/v1/zones/example.")).body.phase).toBe("proposed");
}

describe("serve: metrics and alerts of a zone driven to a proposal", () => {
  it("GET /metrics shows the zone proposed, its preconditions met, and every probe counted", async () => {
    await driveToProposed();
    const samples = await scrape();
    expect(valueOf(samples, "nta_watch_zone_state", { zone: "example.", state: "proposed" })).toBe(
      1,
    );
    expect(valueOf(samples, "nta_watch_zone_state", { zone: "example.", state: "broken" })).toBe(0);
    for (const precondition of ["widespread", "confirmed", "no_security_value"]) {
      expect(
        valueOf(samples, "nta_watch_zone_precondition_met", { zone: "example.", precondition }),
      ).toBe(1);
    }
    expect(valueOf(samples, "nta_watch_rounds_total", { zone: "example." })).toBe(h.rounds.length);
    expect(valueOf(samples, "nta_watch_proposal_created_timestamp_seconds")).toBeGreaterThan(0);

    // Every recursive probe of every round, counted once, by the round's own zone label.
    const expected = new Map<string, number>();
    for (const r of h.rounds) {
      for (const o of [...r.observations, ...r.control]) {
        if (o.vantage.kind !== "recursive") continue;
        expected.set(o.zone, (expected.get(o.zone) ?? 0) + 1);
      }
    }
    expect(expected.get("example.")).toBeGreaterThan(0);
    for (const [zone, n] of expected) {
      const counted = samples
        .filter((s) => s.name === "nta_watch_probes_total" && s.labels.zone === zone)
        .reduce((a, s) => a + s.value, 0);
      expect(counted, zone).toBe(n);
    }
    const bogus = samples
      .filter(
        (s) =>
          s.name === "nta_watch_probes_total" &&
          s.labels.zone === "example." &&
          s.labels.verdict === "bogus",
      )
      .reduce((a, s) => a + s.value, 0);
    expect(bogus).toBeGreaterThan(0);
    expect(valueOf(samples, "nta_watch_build_info")).toBe(1);
  });

  it("the receiver gets the proposal signed with its secret, and GET /api/v1/alerts lists it as sent", async () => {
    await driveToProposed();
    const sender = h.service!.observability.sender!;
    const pass = await sender.runOnce();
    expect(pass.failed).toBe(0);
    expect(receiver.received.length).toBe(pass.sent);

    const proposals = receiver.received.filter((r) => JSON.parse(r.body).kind === "proposal");
    expect(proposals).toHaveLength(1);
    const got = proposals[0]!;
    const header = got.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    expect(verifySignature(header, got.body, SECRET, h.clock)).toEqual({
      ok: true,
      t: expect.any(Number),
    });
    expect(verifySignature(header, got.body, "another-secret-0123456789", h.clock).ok).toBe(false);
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({ version: 1, zone: "example.", state: "proposed" });
    expect(body.preconditions.confirmed.met).toBe(true);

    const listed = await h.get("/api/v1/alerts?zone=example.&status=sent");
    expect(listed.status).toBe(200);
    const row = listed.body.deliveries.find((d: { kind: string }) => d.kind === "proposal");
    expect(row).toMatchObject({
      alertId: Number(body.id),
      channel: "webhook:pager",
      status: "sent",
      zone: "example.",
      attempts: 1,
    });
    expect(listed.body.counts).toEqual({ pending: 0, failed: 0 });

    const samples = await scrape();
    expect(valueOf(samples, "nta_watch_alerts_sent_total", { channel: "webhook:pager" })).toBe(
      receiver.received.length,
    );
    expect(valueOf(samples, "nta_watch_alert_outbox_pending")).toBe(0);
  });
});

describe("serve: alert channels are read at start", () => {
  it("refuses to start when a webhook's secret is missing, naming the receiver and not the secret", async () => {
    const missing = new AlertHarness(receiver.url, null);
    try {
      await expect(missing.start()).rejects.toThrow(
        /notify\.webhooks pager: environment variable PAGER_SECRET is not set/,
      );
    } finally {
      await missing.close();
    }
  });
});
