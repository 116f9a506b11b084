/**
 * The real TLD incidents nta-watch is built for (.de, .al, .ru, .nz, .se and
 * others, each described by its block) as sequences of synthetic rounds,
 * driven through the assessment and the state machine. Pure unit tests: the
 * real-resolver versions live with the end-to-end tests.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Confirmation } from "../../src/assess/types.js";
import { DEFAULT_THRESHOLDS as T } from "../../src/config/thresholds.js";
import { Ede, insecure } from "../../src/dnssec/verdict.js";
import { buildTimelineReport } from "../../src/lifecycle/timeline.js";
import type { Canary, Round, Vantage } from "../../src/probe/observation.js";
import {
  bad,
  canaries,
  defaultAuthoritatives,
  makeRound,
  unreachable,
  utc,
  type ProbeSpec,
  type RoundSpec,
} from "../assess/synthetic.js";
import { alertsOf, auditOf, drive, timelineOf } from "./drive.js";

const STEP = 300;

/** `count` rounds of a zone, `STEP` seconds apart, each shaped by `shape(i)`. */
function series(
  zone: string,
  start: number,
  count: number,
  shape: (i: number) => Partial<RoundSpec>,
): Round[] {
  return Array.from({ length: count }, (_, i) =>
    makeRound({ zone, at: start + i * STEP, ...shape(i) }),
  );
}

const confirmation = (
  zone: string,
  at: number,
  source: Confirmation["source"] = "manual",
): Confirmation => ({
  zone,
  source,
  author: "oncall@resolver.example",
  reference: `https://status.example/${zone}incident`,
  at,
});

const isRecursive = (v: Vantage, ...names: string[]) =>
  v.kind === "recursive" && names.includes(v.name);
const key = (c: Canary) => `${c.name}/${c.type}`;

describe(".de, 5 May 2026: key tag collision, bad signatures from some servers, then everywhere", () => {
  const zone = "de.";
  const start = utc(2026, 5, 5, 10);
  const auths = defaultAuthoritatives(zone, 6);
  const badServers = new Set(["192.0.2.1", "192.0.2.3", "192.0.2.5"]);
  const collision: ProbeSpec = {
    dnskeyTags: [33834, 33834, 26755],
    rrsigTags: [33834],
    dsTags: [26755],
  };
  const broken = (c: Canary): ProbeSpec =>
    // RFC 5155 §8: the NSEC3 records proving the unsigned delegations are signed by the same key.
    c.name === "example.de."
      ? bad("denial-invalid", collision)
      : bad("signature-invalid", collision);
  const watched = (i: number) => (v: Vantage, c: Canary) => {
    if (i < 2 || i >= 10) return {}; // healthy before, fixed after
    if (v.kind === "authoritative") return badServers.has(v.address) ? broken(c) : {};
    if (i < 4) return isRecursive(v, "unbound-1", "bind-1") ? broken(c) : {}; // intermittent
    return broken(c); // general SERVFAIL, EDE 6
  };
  const rounds = series(zone, start, 14, (i) => ({ authoritatives: auths, watched: watched(i) }));
  const confirmed = confirmation(zone, start + 5 * STEP);
  const run = drive(zone, rounds, {
    confirmations: [confirmed],
    after: {
      6: [
        {
          type: "approve",
          actor: "alice",
          lifetimeSeconds: 86400,
          reason: "DENIC confirmed the signing fault",
        },
      ],
      7: [{ type: "deployed", resolvers: ["unbound-1", "bind-1", "knot-1", "pdns-1"] }],
    },
  });

  it("stays degraded while the failure is intermittent, and proposes once widespread and confirmed", () => {
    expect(run.phases.slice(0, 6)).toEqual([
      "healthy",
      "healthy",
      "degraded",
      "degraded",
      "degraded",
      "degraded",
    ]);
    expect(run.assessments[6]!.widespread.met).toBe(true);
    expect(run.assessments[6]!.confirmed.met).toBe(true);
    expect(run.phases[6]).toBe("active"); // proposed in round 6, approved by alice right after
    const propose = auditOf(run.effects).find((a) => a.action === "propose");
    expect(propose?.at).toBe(rounds[6]!.at);
    expect(run.errors).toEqual([]);
  });

  it("shows which authoritative servers serve the bad signatures", () => {
    const figures = run.assessments[6]!.widespread.evidence.figures.rounds.at(-1)!;
    expect(figures.authoritativesBad).toEqual(
      auths.filter((a) => badServers.has(a.address)).map((a) => `${a.host} ${a.address}`),
    );
    expect(figures.authoritativesCounted).toBe(6);
  });

  it("names the reason: signatures that do not verify under the key with tag 33834, same bytes everywhere", () => {
    const nsv = run.assessments[6]!.noSecurityValue;
    expect(nsv.met).toBe(true);
    expect(nsv.evidence.figures.keyTags.rrsig).toEqual([33834]);
    expect(nsv.evidence.figures.collidingKeyTags).toEqual([33834]);
    expect(Object.keys(nsv.evidence.figures.kinds).sort()).toEqual([
      "denial-invalid",
      "signature-invalid",
    ]);
    expect(nsv.evidence.figures.lastKnownGood.changed).toBe(0);
  });

  it("retracts the NTA after N rounds valid everywhere, then closes the incident", () => {
    expect(run.phases.slice(10)).toEqual(["active", "active", "retracted", "healthy"]);
    const removal = run.effects.filter((e) => e.kind === "remove-nta");
    expect(removal).toHaveLength(1);
  });

  it("renders the incident timeline with the time from first failure to the NTA in place", () => {
    const entries = timelineOf(run.effects);
    const report = buildTimelineReport(entries);
    const milestones = report.json.rows.map((r) => r.milestone);
    // Confirmation recorded in round 5; widespread in round 6, the third round of general failure.
    expect(milestones).toEqual([
      "first-failure",
      "confirmation",
      "widespread",
      "proposal",
      "approval",
      "deployment",
      "recovery-seen",
      "retraction",
      "closed",
    ]);
    const toDeployment = report.json.durations.find(
      (d) => d.to === "deployment" && d.from === "first-failure",
    );
    // First failure in round 2, deployment reported one second after round 7.
    expect(toDeployment?.seconds).toBe(5 * STEP + 1);
    expect(report.markdown).toContain("first failure to NTA in place: 25 min 1 s");
  });
});

describe(".al, 3 Jul 2026: DS pointing to a removed key, then no DNSKEY, then DS removed", () => {
  const zone = "al.";
  const start = utc(2026, 7, 3, 8);
  const watched =
    (i: number) =>
    (_v: Vantage, c: Canary): ProbeSpec => {
      if (i < 2) return {};
      if (i < 6)
        return bad("no-dnskey-matches-ds", { dsTags: [40000], dnskeyTags: [51000, 52000] });
      if (i < 8)
        return bad("dnskey-missing", {
          data: c.type === "DNSKEY" ? null : undefined,
          dnskeyTags: [],
        });
      // The DS is gone from the root: the zone is provably unsigned (RFC 4035 §5.2).
      return {
        verdict: insecure("unsigned-zone", "no DS for al. at the root"),
        sigs: "none",
        data: c.type === "DNSKEY" ? null : undefined,
      };
    };
  const rounds = series(zone, start, 12, (i) => ({ watched: watched(i) }));
  const run = drive(zone, rounds, {
    confirmations: [confirmation(zone, start + 2 * STEP, "peer-nta")],
    after: {
      4: [
        {
          type: "approve",
          actor: "bob",
          lifetimeSeconds: 21600,
          reason: "peers have NTAs for al.",
        },
      ],
    },
  });

  it("proposes on the DS/DNSKEY mismatch (EDE 9) once widespread", () => {
    expect(
      run.assessments[4]!.noSecurityValue.evidence.figures.kinds["no-dnskey-matches-ds"],
    ).toBeGreaterThan(0);
    expect(
      rounds[4]!.observations.find((o) => o.vantage.kind === "recursive")?.userAnswer?.ede[0]?.code,
    ).toBe(Ede.DNSKEY_MISSING);
    expect(run.phases.slice(0, 5)).toEqual([
      "healthy",
      "healthy",
      "degraded",
      "degraded",
      "active",
    ]);
  });

  it("keeps the NTA while every DNSKEY is gone", () => {
    expect(run.phases.slice(5, 8)).toEqual(["active", "active", "active"]);
  });

  it("retracts once the DS is removed: the zone is insecure, not an error", () => {
    expect(run.assessments[8]!.validAs).toBe("insecure");
    expect(run.phases.slice(8)).toEqual(["active", "active", "retracted", "healthy"]);
    const removal = run.effects.find((e) => e.kind === "remove-nta");
    expect(removal?.kind === "remove-nta" && removal.reason).toContain("insecure");
    expect(run.errors).toEqual([]);
  });
});

describe(".ru, 30 Jan 2024: the signer switched to a key it did not publish", () => {
  const zone = "ru.";
  const start = utc(2024, 1, 30, 15);
  const rounds = series(zone, start, 10, (i) => ({
    watched: () => (i >= 1 && i < 6 ? bad("no-matching-dnskey", { rrsigTags: [52263] }) : {}),
  }));
  const run = drive(zone, rounds, {
    confirmations: [confirmation(zone, start)],
    after: {
      3: [
        {
          type: "approve",
          actor: "carol",
          lifetimeSeconds: 14400,
          reason: "ccTLD operator confirmed",
        },
      ],
    },
  });

  it("proposes, then retracts when the old key's signatures are back", () => {
    expect(run.phases).toEqual([
      "healthy",
      "degraded",
      "degraded",
      "active",
      "active",
      "active",
      "active",
      "active",
      "retracted",
      "healthy",
    ]);
  });
});

describe(".nz, 29 May 2023: only vantages holding old keys in their caches fail", () => {
  const zone = "nz.";
  const start = utc(2023, 5, 29, 6);
  const stale = ["unbound-2", "pdns-1"];
  const rounds = series(zone, start, 10, () => ({
    watched: (v) => (isRecursive(v, ...stale) ? bad("no-dnskey-matches-ds") : {}),
  }));
  const run = drive(zone, rounds, { confirmations: [confirmation(zone, start)] });

  it("is degraded, never widespread, and never proposed", () => {
    expect(run.phases.slice(1).every((p) => p === "degraded")).toBe(true);
    expect(run.assessments.every((a) => !a.widespread.met)).toBe(true);
  });

  it("shows which vantages fail", () => {
    const latest = run.assessments.at(-1)!.widespread.evidence;
    expect(latest.figures.rounds.at(-1)!.vantagesFailing).toEqual([
      "unbound-2 (unbound)",
      "pdns-1 (pdns-recursor)",
    ]);
    expect(latest.summary).toContain("unbound-2");
  });
});

describe(".se, 4 Feb 2022: bad signatures on the DS RRsets of some children only", () => {
  const zone = "se.";
  const start = utc(2022, 2, 4, 9);
  const child = canaries(zone)[5]!;
  const rounds = series(zone, start, 8, () => ({
    watched: (_v, c) => (key(c) === key(child) ? bad("signature-invalid") : {}),
  }));
  const run = drive(zone, rounds, { confirmations: [confirmation(zone, start)] });

  it("is degraded, not widespread for the TLD, and no proposal is made", () => {
    expect(run.phases.every((p) => p === "degraded")).toBe(true);
    const last = run.assessments.at(-1)!;
    expect(last.widespread.evidence.figures.rounds.at(-1)!.canaryShare).toBe(
      1 / canaries(zone).length,
    );
    expect(last.noSecurityValue.met).toBe(false);
  });
});

describe("slack.com, 30 Sep 2021: bad NSEC for wildcard names", () => {
  const zone = "slack.com.";
  const wildcard: Canary = { name: "nonexistent.slack.com.", type: "AAAA" };
  const rounds = series(zone, utc(2021, 9, 30, 16), 6, () => ({
    canaries: [...canaries(zone), wildcard],
    watched: (_v, c) => (key(c) === key(wildcard) ? bad("denial-invalid") : {}),
  }));

  it("is a bad denial proof on some names: degraded, no proposal", () => {
    const run = drive(zone, rounds, { confirmations: [confirmation(zone, rounds[0]!.at)] });
    expect(run.phases.every((p) => p === "degraded")).toBe(true);
    expect(
      run.assessments.at(-1)!.noSecurityValue.evidence.figures.kinds["denial-invalid"],
    ).toBeGreaterThan(0);
  });
});

describe("rhybar.cz (real data): DS at the parent, signatures expired years ago", () => {
  // From CZ-NIC/deckard world_cz_rhybar.rpl: the scenario's date and the RRSIG over www.rhybar.cz. A.
  const rpl = readFileSync(
    new URL("../fixtures/lifecycle/world_cz_rhybar.rpl", import.meta.url),
    "utf8",
  );
  const stamp = (s: string) =>
    utc(
      +s.slice(0, 4),
      +s.slice(4, 6),
      +s.slice(6, 8),
      +s.slice(8, 10),
      +s.slice(10, 12),
      +s.slice(12, 14),
    );
  const now = stamp(/val-override-date:\s*(\d{14})/.exec(rpl)![1]!);
  const expiration = stamp(
    /www\.rhybar\.cz\.\s+\d+\s+IN\s+RRSIG\s+A\s+\d+\s+\d+\s+\d+\s+(\d{14})/.exec(rpl)![1]!,
  );
  const zone = "rhybar.cz.";
  const rounds = series(zone, now, 4, () => ({
    watched: () =>
      bad("signature-expired", { details: { expiration }, earliestExpiration: expiration }),
  }));
  const run = drive(zone, rounds, { confirmations: [confirmation(zone, now)] });

  it("proposes with the longest lifetime and says the zone is stale", () => {
    expect(now - expiration).toBeGreaterThan(8 * 365 * 86400);
    expect(run.phases).toEqual(["degraded", "degraded", "proposed", "proposed"]);
    expect(run.final.proposal?.lifetimeSeconds).toBe(T.ntaLifetimeMaxSeconds);
    expect(run.final.proposal?.lifetimeNote).toContain("2008-10-30T08:00:58Z");
    expect(run.final.proposal?.lifetimeNote).toContain("stale zone");
  });
});

describe(".se, 2009: an emergency zone without proper signatures", () => {
  const zone = "se.";
  const rounds = series(zone, utc(2009, 10, 12, 21), 4, () => ({
    watched: () => bad("rrsigs-missing", { sigs: "none" }),
  }));

  it("proposes on missing RRSIGs across the zone", () => {
    const run = drive(zone, rounds, { confirmations: [confirmation(zone, rounds[0]!.at)] });
    expect(run.phases.at(-2)).toBe("proposed");
    expect(
      run.assessments.at(-1)!.noSecurityValue.evidence.figures.kinds["rrsigs-missing"],
    ).toBeGreaterThan(0);
  });
});

describe("tampering: one path returns other addresses signed by a key with no DS", () => {
  const zone = "bank.example.";
  const start = utc(2026, 3, 1, 12);
  const rounds = series(zone, start, 10, (i) => ({
    watched: (v, c) =>
      i >= 2 && isRecursive(v, "bind-2") && c.type === "A"
        ? bad("no-dnskey-matches-ds", {
            data: "nic.bank.example. A 198.51.100.66",
            sigs: "attacker signatures",
          })
        : {},
  }));
  const run = drive(zone, rounds, { confirmations: [confirmation(zone, start)] });

  it("blocks at once, never proposes, and raises an alarm", () => {
    expect(run.phases.slice(2).every((p) => p === "blocked")).toBe(true);
    expect(run.phases).not.toContain("proposed");
    const alarms = alertsOf(run.effects).filter((a) => a.kind === "tampering");
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.severity).toBe("critical");
    const tamper = run.assessments[2]!.noSecurityValue.tampering!;
    expect(tamper.figures.differingFromGoodPaths).toHaveLength(1);
    expect(tamper.figures.changedSinceLastKnownGood).toHaveLength(1);
  });
});

describe("expiring soon: valid signatures that all expire within hours, no fresh ones", () => {
  const zone = "net.";
  const start = utc(2026, 8, 1, 0);
  const horizon = start + 5 * 3600;
  const rounds = series(zone, start, 6, () => ({
    watched: () => ({ earliestExpiration: horizon }),
  }));
  const run = drive(zone, rounds);

  it("warns once ahead of time and proposes nothing", () => {
    expect(run.phases.every((p) => p === "healthy")).toBe(true);
    const warnings = alertsOf(run.effects).filter((a) => a.kind === "signatures-expiring");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.summary).toContain(new Date(horizon * 1000).toISOString().slice(0, 16));
  });
});

describe("vantage down: one resolver unreachable", () => {
  const zone = "org.";
  const rounds = series(zone, utc(2026, 8, 2, 0), 6, () => ({
    watched: (v) => (isRecursive(v, "knot-2") ? unreachable : {}),
    control: (v) => (v.name === "knot-2" ? unreachable : {}),
  }));
  const run = drive(zone, rounds);

  it("is indeterminate for that vantage and never counts toward widespread", () => {
    expect(run.phases.every((p) => p === "healthy")).toBe(true);
    const figures = run.assessments.at(-1)!.widespread.evidence.figures.rounds.at(-1)!;
    expect(figures.vantagesUnreachable).toEqual(["knot-2 (knot-resolver)"]);
    expect(figures.vantagesFailing).toEqual([]);
  });
});

describe("local clock wrong: every zone looks expired at once, control zones too", () => {
  const zone = "de.";
  const rounds = series(zone, utc(2026, 9, 1, 0), 6, () => ({
    watched: () => bad("signature-expired", { user: { rcode: "NOERROR", ad: true, ede: [] } }),
    control: () => bad("signature-expired", { user: { rcode: "NOERROR", ad: true, ede: [] } }),
  }));
  const run = drive(zone, rounds, { confirmations: [confirmation(zone, rounds[0]!.at)] });

  it("detects the clock, alerts once, and never proposes", () => {
    expect(run.assessments.every((a) => a.clockSuspect)).toBe(true);
    expect(run.phases.every((p) => p === "healthy")).toBe(true);
    expect(alertsOf(run.effects).filter((a) => a.kind === "clock-suspect")).toHaveLength(1);
  });
});
