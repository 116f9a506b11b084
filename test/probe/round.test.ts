/**
 * Probes and rounds against stand-in resolvers on 127.0.0.1 that serve the
 * signed example zone of RFC 4035 Appendix A, validated at a time inside its
 * signatures' window (April 2004), from a trust anchor on its KSK (key tag
 * 9465 per the fixture's own annotation; the ZSK is 38519).
 */
import { describe, expect, it } from "vitest";
import { RrType } from "../../src/dns/rr.js";
import { probeAuthoritative, probeRecursive } from "../../src/probe/probe.js";
import { runRound } from "../../src/probe/round.js";
import { Semaphore } from "../../src/probe/semaphore.js";
import {
  AFTER_WINDOW,
  ctxFor,
  resolver,
  RECORDS,
  signatureCorrupted,
  SOA,
  subject,
  target,
  IN_WINDOW,
} from "./example-zone.js";

const soaSignatureCorrupted = () => signatureCorrupted(RrType.SOA);

describe("RFC 4035 §4.3: a recursive vantage's CD=1 answer is validated from the trust anchor", () => {
  it("a healthy zone is secure, with the CD=0 answer kept as the user's view", async () => {
    const s = await resolver();
    const o = await probeRecursive(ctxFor(undefined), target(s), subject());
    expect(o.reachable).toBe(true);
    expect(o.userAnswer).toMatchObject({ rcode: "NOERROR", ad: true, ede: [] });
    expect(o.verdict.security).toBe("secure");
    expect(o.rawAnswer?.rcode).toBe("NOERROR");
    expect(o.keyTags.dnskey).toEqual([9465, 38519]);
    expect(o.keyTags.rrsig).toEqual([38519]);
    expect(o.earliestExpiration).toBe(Date.UTC(2004, 4, 9, 18, 36, 19) / 1000);
    expect(o.fingerprints?.rrset).toMatch(/^[0-9a-f]{64}$/);
  });

  it("sends the CD=0 query before the CD=1 query of the same name", async () => {
    const s = await resolver();
    await probeRecursive(ctxFor(undefined), target(s), subject());
    const cdBits = s.received.map((r) => (r.bytes[3]! & 0x10) !== 0);
    expect(cdBits[0]).toBe(false);
    expect(cdBits.slice(1).every((b) => b)).toBe(true);
  });

  it("takes rcode, AD and Extended DNS Errors from the CD=0 answer only", async () => {
    const s = await resolver(RECORDS, {
      userView: { rcode: 2, ad: false, ede: [{ code: 6, text: "bogus SOA" }] },
    });
    const o = await probeRecursive(ctxFor(undefined), target(s), subject());
    expect(o.userAnswer).toMatchObject({
      rcode: "SERVFAIL",
      ad: false,
      ede: [{ code: 6, text: "bogus SOA" }],
    });
    // The raw data the resolver holds still validates.
    expect(o.verdict.security).toBe("secure");
  });

  it("a changed signature octet is bogus with reason signature-invalid (RFC 4035 §5.3.3)", async () => {
    const good = await probeRecursive(ctxFor(undefined), target(await resolver()), subject());
    const bad = await probeRecursive(
      ctxFor(undefined),
      target(await resolver(soaSignatureCorrupted())),
      subject(),
    );
    expect(bad.verdict.security).toBe("bogus");
    expect(bad.verdict.reason?.kind).toBe("signature-invalid");
    expect(bad.fingerprints?.rrset).toBe(good.fingerprints?.rrset);
    expect(bad.fingerprints?.rrsigs).not.toBe(good.fingerprints?.rrsigs);
  });

  it("past the signatures' expiration the verdict is signature-expired (RFC 4035 §5.3.1)", async () => {
    const o = await probeRecursive(
      ctxFor(undefined, AFTER_WINDOW),
      target(await resolver()),
      subject(),
    );
    expect(o.verdict.security).toBe("bogus");
    expect(o.verdict.reason?.kind).toBe("signature-expired");
  });

  it("a name error is secure when the NSEC records prove it (RFC 4035 §5.4)", async () => {
    const canary = { id: "nxdomain", name: "nta-watch-test.example.", type: "A" };
    const o = await probeRecursive(ctxFor(undefined), target(await resolver()), subject(canary));
    expect(o.userAnswer?.rcode).toBe("NXDOMAIN");
    expect(o.verdict.security).toBe("secure");
    expect(o.fingerprints?.rrset).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("STYLE: could not check is not checked and failed", () => {
  it("a vantage that never answers is unreachable and indeterminate, never bogus", async () => {
    const s = await resolver(RECORDS, { silent: true });
    const o = await probeRecursive(ctxFor(undefined), target(s), subject());
    expect(o.reachable).toBe(false);
    expect(o.error?.kind).toBe("timeout");
    expect(o.verdict.security).toBe("indeterminate");
    expect(o.verdict.reason?.kind).toBe("timeout");
    expect(o.userAnswer).toBeUndefined();
  });

  it("a vantage that answers REFUSED is unreachable and indeterminate", async () => {
    const o = await probeRecursive(
      ctxFor(undefined),
      target(await resolver(RECORDS, { refuse: true })),
      subject(),
    );
    expect(o.reachable).toBe(false);
    expect(o.error?.kind).toBe("refused");
    expect(o.verdict.security).toBe("indeterminate");
  });

  it("an authoritative server that never answers is unreachable and indeterminate", async () => {
    const s = await resolver(RECORDS, { silent: true });
    const o = await probeAuthoritative(
      ctxFor(s),
      {
        vantage: { kind: "authoritative", zone: "example.", address: "127.0.0.1" },
        server: s.address,
      },
      subject(),
    );
    expect(o.reachable).toBe(false);
    expect(o.verdict.security).toBe("indeterminate");
  });
});

describe("a round asks every canary of every vantage and authoritative server", () => {
  it("returns observations in plan order with equal fingerprints on equal data", async () => {
    const a = await resolver();
    const b = await resolver();
    const auth = await resolver();
    const canaries = [SOA, { id: "dnskey", name: "example.", type: "DNSKEY" }];
    const round = await runRound(
      ctxFor(auth),
      {
        zone: "example.",
        canaries,
        recursive: [target(a, "a"), target(b, "b")],
        authoritative: [
          {
            vantage: { kind: "authoritative", zone: "example.", address: "127.0.0.1" },
            server: auth.address,
          },
        ],
        control: [{ zone: "example.", canaries: [SOA] }],
      },
      new Semaphore(2),
    );
    expect(round.at).toBe(IN_WINDOW);
    const who = round.observations.map((o) =>
      o.vantage.kind === "recursive" ? `${o.vantage.name}/${o.canary.id}` : `auth/${o.canary.id}`,
    );
    expect(who).toEqual(["a/soa", "a/dnskey", "b/soa", "b/dnskey", "auth/soa", "auth/dnskey"]);
    expect(round.observations.every((o) => o.verdict.security === "secure")).toBe(true);
    const soaPrints = new Set(
      round.observations.filter((o) => o.canary.id === "soa").map((o) => o.fingerprints?.rrset),
    );
    expect(soaPrints.size).toBe(1);
    expect(round.control.map((o) => o.role)).toEqual(["control", "control"]);
  });
});

describe("Semaphore", () => {
  it("never runs more tasks than its limit at once", async () => {
    const sem = new Semaphore(2);
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
    };
    await Promise.all(Array.from({ length: 10 }, () => sem.run(task)));
    expect(most).toBe(2);
    expect(sem.active).toBe(0);
  });
});
