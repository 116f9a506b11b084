/**
 * The lifecycle on a network that intercepts DNS: every vantage fails the
 * control zones as well, and no authoritative server is known. Nothing is
 * concluded about the zone: no incident, no "fails validation" alert, no
 * phase change, and no precondition holds on evidence never compared.
 */

import { describe, expect, it } from "vitest";
import type { Confirmation } from "../../src/assess/types.js";
import type { Round } from "../../src/probe/observation.js";
import {
  bad,
  defaultAuthoritatives,
  interceptedNxdomain,
  interceptedRound,
  makeRound,
  utc,
  withoutRecords,
} from "../assess/synthetic.js";
import { alertsOf, auditOf, drive } from "./drive.js";

const ZONE = "de.";
const START = utc(2026, 12, 4, 6);
const STEP = 300;
const confirmed: Confirmation = {
  zone: ZONE,
  source: "manual",
  author: "oncall@resolver.example",
  reference: "https://status.example/de-incident",
  at: START,
};

const at = (i: number) => START + i * STEP;

describe("every vantage left out, no authoritative server known", () => {
  const rounds = Array.from({ length: 6 }, (_, i) => interceptedRound(ZONE, at(i)));
  const run = drive(ZONE, rounds, { confirmations: [confirmed] });

  it("stays healthy: no incident, no alert, no transition", () => {
    expect(run.phases.every((p) => p === "healthy")).toBe(true);
    expect(alertsOf(run.effects)).toEqual([]);
    expect(auditOf(run.effects)).toEqual([]);
    expect(run.errors).toEqual([]);
  });

  it("is unknown in every round, and no precondition but the confirmation holds", () => {
    for (const a of run.assessments) {
      expect(a.status).toBe("unknown");
      expect(a.statusNote).toMatch(/^no vantage counted \(8 of 8 fail the control zones/);
      expect(a.widespread.met).toBe(false);
      expect(a.noSecurityValue.met).toBe(false);
      expect(a.noSecurityValue.evidence.summary).toContain("nothing to compare");
    }
    expect(run.final.candidate).toBeUndefined();
  });
});

describe("a degraded zone whose watcher's network then intercepts DNS", () => {
  const rounds: Round[] = [
    makeRound({
      zone: ZONE,
      at: at(0),
      watched: (v) =>
        v.kind === "recursive" && v.name === "bind-1" ? bad("signature-expired") : {},
    }),
    ...Array.from({ length: 4 }, (_, i) => interceptedRound(ZONE, at(i + 1))),
  ];
  const run = drive(ZONE, rounds);

  it("stays degraded, concluding nothing more, with one alert from the real failure only", () => {
    expect(run.phases).toEqual(["degraded", "degraded", "degraded", "degraded", "degraded"]);
    const alerts = alertsOf(run.effects);
    expect(alerts.map((a) => a.kind)).toEqual(["failure"]);
    expect(alerts[0]!.summary).toContain("1 of 8 reachable vantages fail");
  });
});

describe("every vantage left out, the authoritative servers serving expired signatures", () => {
  // The servers are asked directly: their answers are the zone's own, whatever the vantages see.
  const rounds = Array.from({ length: 4 }, (_, i) =>
    withoutRecords(
      makeRound({
        zone: ZONE,
        at: at(i),
        authoritatives: defaultAuthoritatives(ZONE),
        watched: (v) =>
          v.kind === "authoritative" ? bad("signature-expired") : interceptedNxdomain(),
        control: interceptedNxdomain,
      }),
      (o) => o.vantage.kind === "recursive",
    ),
  );
  const run = drive(ZONE, rounds, { confirmations: [confirmed] });

  it("is degraded, never widespread, and its alert names the servers, not 0 of 0 vantages", () => {
    expect(run.phases.every((p) => p === "degraded")).toBe(true);
    const alerts = alertsOf(run.effects);
    expect(alerts.map((a) => a.kind)).toEqual(["failure"]);
    expect(alerts[0]!.summary).not.toMatch(/\b0 of 0\b/);
    expect(alerts[0]!.summary).toContain(
      "4 of 4 reachable authoritative servers serve data that fails validation",
    );
    expect(run.assessments.every((a) => !a.widespread.met)).toBe(true);
  });
});
