/**
 * A round's shared signature checks (verified-rrsets.ts) against the checks
 * they stand for, on the signed example zone of RFC 4035 Appendix A: the
 * same verdicts as validateGroup, validatedDenialRecords and trustZoneKeys
 * every time, with the caller's own records in them, and one verification
 * for the same data whatever its TTLs.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { groupRrsets, type RrsetGroup } from "../../src/dns/canonical.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import { parseRecord } from "../../src/dns/zonefile.js";
import {
  validatedDenialRecords,
  validateGroup,
  type TrustedKeys,
} from "../../src/dnssec/answer.js";
import { trustZoneKeys, type ZoneKeysInput } from "../../src/dnssec/zone-keys.js";
import { RoundVerifications } from "../../src/probe/verified-rrsets.js";
import { AFTER_WINDOW, APEX, IN_WINDOW, RECORDS } from "./example-zone.js";

const DNSKEYS = RECORDS.filter((r) => r.type === RrType.DNSKEY);
const KEYS: TrustedKeys = { zone: APEX, dnskeys: DNSKEYS };
const GROUPS = groupRrsets(RECORDS).filter((g) => g.rrset && g.rrset.type !== RrType.DNSKEY);
const KSK = DNSKEYS.find((r) => r.rdata[0] === 1 && r.rdata[1] === 1)!;

/** RFC 4034 Appendix B key tag, written out here for the test. */
function keyTag(rdata: Uint8Array): number {
  let acc = 0;
  for (let i = 0; i < rdata.length; i++) acc += i & 1 ? rdata[i]! : rdata[i]! << 8;
  return (acc + ((acc >> 16) & 0xffff)) & 0xffff;
}

/** The SHA-256 DS of the KSK (RFC 4509): digest over "example." in wire form and the RDATA. */
const DS: Rr = parseRecord(
  `example. 3600 IN DS ${keyTag(KSK.rdata)} ${KSK.rdata[3]} 2 ${createHash("sha256")
    .update(Uint8Array.of(7, ...Buffer.from("example"), 0))
    .update(KSK.rdata)
    .digest("hex")}`,
);

/** The same records as another resolver would serve them: new objects, TTLs counted down. */
function servedAgain(rrs: readonly Rr[], less: number): Rr[] {
  return rrs.map((r) => ({ ...r, ttl: Math.max(0, r.ttl - less) }));
}

function groupAgain(g: RrsetGroup, less: number): RrsetGroup {
  return {
    ...(g.rrset
      ? { rrset: { ...g.rrset, ttl: g.rrset.ttl - less, rdatas: [...g.rrset.rdatas] } }
      : {}),
    rrsigs: servedAgain(g.rrsigs, less),
  };
}

describe("validateGroup, once per round for the same data (RFC 4035 §5.3)", () => {
  it("gives validateGroup's verdicts, first from a check, then from the round's earlier one", () => {
    expect(GROUPS.length).toBeGreaterThan(10);
    const shared = new RoundVerifications();
    for (const g of GROUPS) {
      expect(shared.validateGroup(g, KEYS, IN_WINDOW)).toEqual(validateGroup(g, KEYS, IN_WINDOW));
    }
    expect(shared.checked).toBe(GROUPS.length);
    const keysAgain: TrustedKeys = { zone: APEX, dnskeys: servedAgain(DNSKEYS, 7) };
    let secure = 0;
    for (const g of GROUPS) {
      const again = groupAgain(g, 7);
      const fresh = validateGroup(again, keysAgain, IN_WINDOW);
      const reused = shared.validateGroup(again, keysAgain, IN_WINDOW);
      expect(reused).toEqual(fresh);
      if (fresh.security !== "secure") continue;
      secure++;
      // The records named are the caller's, not those of the first check.
      expect(reused.signature!.rrsig).toBe(fresh.signature!.rrsig);
      expect(reused.signature!.dnskey).toBe(fresh.signature!.dnskey);
    }
    // Unsigned glue and delegation NS are bogus here (no RRSIG); the rest is secure.
    expect(secure).toBeGreaterThan(10);
    expect(shared.checked).toBe(GROUPS.length);
    expect(shared.reused).toBe(GROUPS.length);
  });

  it("checks again at another time, and for other signature bytes", () => {
    const shared = new RoundVerifications();
    const g = GROUPS[0]!;
    shared.validateGroup(g, KEYS, IN_WINDOW);
    const later = shared.validateGroup(g, KEYS, AFTER_WINDOW);
    expect(later).toEqual(validateGroup(g, KEYS, AFTER_WINDOW));
    expect(later.security).toBe("bogus");
    const flipped = g.rrsigs.map((r) => {
      const rdata = new Uint8Array(r.rdata);
      rdata[rdata.length - 1]! ^= 1;
      return { ...r, rdata };
    });
    const bad = { ...g, rrsigs: flipped };
    const v = shared.validateGroup(bad, KEYS, IN_WINDOW);
    expect(v).toEqual(validateGroup(bad, KEYS, IN_WINDOW));
    expect(v.security).toBe("bogus");
    expect(shared.checked).toBe(3);
    expect(shared.reused).toBe(0);
  });

  it("gives validatedDenialRecords' records and failures", () => {
    const nsec = RECORDS.filter(
      (r) =>
        r.type === RrType.NSEC ||
        (r.type === RrType.RRSIG && r.rdata[0] === 0 && r.rdata[1] === 47),
    );
    expect(nsec.length).toBeGreaterThan(4);
    const shared = new RoundVerifications();
    expect(shared.validatedDenialRecords(nsec, KEYS, IN_WINDOW)).toEqual(
      validatedDenialRecords(nsec, KEYS, IN_WINDOW),
    );
    expect(shared.validatedDenialRecords(nsec, KEYS, AFTER_WINDOW)).toEqual(
      validatedDenialRecords(nsec, KEYS, AFTER_WINDOW),
    );
    const again = servedAgain(nsec, 3);
    const reused = shared.validatedDenialRecords(again, KEYS, IN_WINDOW);
    const fresh = validatedDenialRecords(again, KEYS, IN_WINDOW);
    expect(reused).toEqual(fresh);
    expect(reused.records.length).toBeGreaterThan(0);
    expect(reused.records.map((r) => r.ttl)).toEqual(fresh.records.map((r) => r.ttl));
    expect(shared.reused).toBeGreaterThan(0);
  });
});

describe("trustZoneKeys, once per round for the same data (RFC 4035 §5.2)", () => {
  const dnskeyGroup = groupRrsets(RECORDS).find((g) => g.rrset?.type === RrType.DNSKEY)!;
  const input = (g: RrsetGroup, now: number): ZoneKeysInput => ({
    zone: APEX,
    dnskeys: g.rrset,
    rrsigs: g.rrsigs,
    ds: [DS],
    now,
  });

  it("trusts the caller's DNSKEY records, as trustZoneKeys does", () => {
    const shared = new RoundVerifications();
    const first = shared.trustZoneKeys(input(dnskeyGroup, IN_WINDOW));
    expect(first).toEqual(trustZoneKeys(input(dnskeyGroup, IN_WINDOW)));
    expect(first.security).toBe("secure");
    const again = groupAgain(dnskeyGroup, 11);
    const reused = shared.trustZoneKeys(input(again, IN_WINDOW));
    const fresh = trustZoneKeys(input(again, IN_WINDOW));
    expect(reused).toEqual(fresh);
    expect(reused.keys.map((k) => k.ttl)).toEqual(fresh.keys.map((k) => k.ttl));
    expect(reused.rrset!.signature!.rrsig).toBe(fresh.rrset!.signature!.rrsig);
    expect(shared.checked).toBe(1);
    expect(shared.reused).toBe(1);
  });

  it("checks again for another time or DS, and gives their verdicts", () => {
    const shared = new RoundVerifications();
    shared.trustZoneKeys(input(dnskeyGroup, IN_WINDOW));
    const expired = shared.trustZoneKeys(input(dnskeyGroup, AFTER_WINDOW));
    expect(expired).toEqual(trustZoneKeys(input(dnskeyGroup, AFTER_WINDOW)));
    expect(expired.security).toBe("bogus");
    const otherDs = { ...DS, rdata: new Uint8Array(DS.rdata) };
    otherDs.rdata[otherDs.rdata.length - 1]! ^= 1;
    const mismatch = { ...input(dnskeyGroup, IN_WINDOW), ds: [otherDs] };
    expect(shared.trustZoneKeys(mismatch)).toEqual(trustZoneKeys(mismatch));
    expect(shared.checked).toBe(3);
  });

  it("keeps no DNSKEY step signed by an anchor key (not one of the records served)", () => {
    const shared = new RoundVerifications();
    const anchored: ZoneKeysInput = {
      zone: APEX,
      dnskeys: dnskeyGroup.rrset,
      rrsigs: dnskeyGroup.rrsigs,
      anchorKeys: [KSK],
      now: IN_WINDOW,
    };
    for (let i = 0; i < 2; i++)
      expect(shared.trustZoneKeys(anchored)).toEqual(trustZoneKeys(anchored));
    expect(shared.checked).toBe(2);
  });
});
