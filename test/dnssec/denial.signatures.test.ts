/**
 * The denial proofs of the RFC example zones rest on NSEC and NSEC3 records
 * whose signatures hold: every NSEC/NSEC3 RRset of both zones validates
 * under the zone's DNSKEY RRset at a time inside its signatures' window, and
 * the proofs built from validated records only give the RFCs' verdicts.
 */
import { describe, expect, it } from "vitest";
import { nameEquals } from "../../src/dns/name.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import { proveNameError, proveNoData } from "../../src/dnssec/denial.js";
import { parseRrsig } from "../../src/dnssec/rdata.js";
import { verifyRrset } from "../../src/dnssec/rrsig.js";
import { EXAMPLE, loadZone, n } from "./denial-support.js";

const at = (iso: string): number => Date.parse(iso) / 1000;

/** The zone's records of `type` whose RRset validates at `now`, each checked on its own. */
function validated(zone: readonly Rr[], type: number, now: number): Rr[] {
  const dnskeys = zone.filter((r) => r.type === RrType.DNSKEY);
  return zone
    .filter((r) => r.type === type)
    .filter((rr) => {
      const rrsigs = zone.filter(
        (s) =>
          s.type === RrType.RRSIG &&
          nameEquals(s.owner, rr.owner) &&
          parseRrsig(s.rdata)?.typeCovered === type,
      );
      const rrset = { owner: rr.owner, type, class: rr.class, ttl: rr.ttl, rdatas: [rr.rdata] };
      return verifyRrset(rrset, rrsigs, dnskeys, { zone: EXAMPLE, now }).security === "secure";
    });
}

function cases(file: string, type: number, inside: number, after: number): [Rr[], Rr[], Rr[]] {
  const zone = loadZone(file);
  return [zone, validated(zone, type, inside), validated(zone, type, after)];
}

/** The zone with the last octet of every RRSIG over `type` flipped. */
function tampered(zone: readonly Rr[], type: number): Rr[] {
  return zone.map((r) => {
    if (r.type !== RrType.RRSIG || parseRrsig(r.rdata)?.typeCovered !== type) return r;
    const rdata = Uint8Array.from(r.rdata);
    rdata[rdata.length - 1]! ^= 0x01;
    return { ...r, rdata };
  });
}

describe("RFC 4035 Appendix A: NSEC signatures (inception 2004-04-09, expiration 2004-05-09)", () => {
  const [zone, valid, expired] = cases(
    "rfc4035-appendixA-example.zone.signed",
    RrType.NSEC,
    at("2004-04-20T00:00:00Z"),
    at("2004-06-01T00:00:00Z"),
  );

  it("validates all 10 NSEC records inside the window, none after it, none with a flipped signature", () => {
    expect(zone.filter((r) => r.type === RrType.NSEC)).toHaveLength(10);
    expect(valid).toHaveLength(10);
    expect(expired).toHaveLength(0);
    expect(validated(tampered(zone, RrType.NSEC), RrType.NSEC, at("2004-04-20T00:00:00Z"))).toEqual(
      [],
    );
  });

  it("proves the name error of Appendix B.2 from validated records", () => {
    expect(proveNameError(n("ml.example."), EXAMPLE, valid).security).toBe("secure");
  });

  it("proves the wildcard no data of Appendix B.7 from validated records", () => {
    expect(proveNoData(n("a.z.w.example."), RrType.AAAA, EXAMPLE, valid).security).toBe("secure");
  });
});

describe("RFC 5155 Appendix A: NSEC3 signatures (inception 2005-10-21, expiration 2015-04-20)", () => {
  const [zone, valid, expired] = cases(
    "rfc5155-appendixA-example.zone.signed",
    RrType.NSEC3,
    at("2010-01-01T00:00:00Z"),
    at("2015-05-01T00:00:00Z"),
  );

  it("validates all 12 NSEC3 records inside the window, none after it, none with a flipped signature", () => {
    expect(zone.filter((r) => r.type === RrType.NSEC3)).toHaveLength(12);
    expect(valid).toHaveLength(12);
    expect(expired).toHaveLength(0);
    expect(
      validated(tampered(zone, RrType.NSEC3), RrType.NSEC3, at("2010-01-01T00:00:00Z")),
    ).toEqual([]);
  });

  it("proves the no data of Appendix B.2 from validated records", () => {
    expect(proveNoData(n("ns1.example."), RrType.MX, EXAMPLE, valid).security).toBe("secure");
  });

  it("keeps the opt-out verdict of Appendix B.1 with the whole validated chain", () => {
    const v = proveNameError(n("a.c.x.w.example."), EXAMPLE, valid);
    expect(v.security).toBe("insecure");
    expect(v.reason?.kind).toBe("opt-out");
  });
});
