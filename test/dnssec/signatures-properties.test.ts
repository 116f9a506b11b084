/**
 * Properties of RRset validation (RFC 4035 §5.3) with generated keys and
 * signatures: time windows across 2038 and 2106, colliding key tags, the
 * REVOKE and zone key flags, the choice of the reason when nothing is valid,
 * and single-byte damage to published signatures and RDATA.
 */
import { describe, expect, it } from "vitest";
import { groupRrsets } from "../../src/dns/canonical.js";
import { parseName, type Name } from "../../src/dns/name.js";
import { RrClass, RrType, type Rr } from "../../src/dns/rr.js";
import { keyTag } from "../../src/dnssec/keytag.js";
import { verifyRrset, type RrsetVerdict } from "../../src/dnssec/rrsig.js";
import { Ede } from "../../src/dnssec/verdict.js";
import {
  fixture,
  makeKey,
  records,
  signRrset,
  vectorCases,
  type SignOptions,
  type TestKey,
} from "./signatures-support.js";

const ZONE = parseName("example.");
const DAY = 86400;
const NOW = Date.UTC(2026, 0, 1) / 1000;
const data = records("www.example. 300 IN A 192.0.2.1\nwww.example. 300 IN A 192.0.2.2");
const { rrset } = groupRrsets(data)[0]!;
const ed = makeKey(15, ZONE);

function window(now = NOW): SignOptions {
  return { inception: now - DAY, expiration: now + DAY, signer: ZONE };
}

function verify(rrsigs: Rr[], keys: TestKey[], now = NOW, set = rrset!): RrsetVerdict {
  return verifyRrset(
    set,
    rrsigs,
    keys.map((k) => k.rr),
    { zone: ZONE, now },
  );
}

describe("RFC 4034 §3.1.5: validity windows across the 32-bit wraps", () => {
  it.each([
    ["2038", 2 ** 31],
    ["2106", 2 ** 32],
    ["2107", 2 ** 32 + 365 * DAY],
  ])("a signature spanning %s is valid inside its window and expired after it", (_when, t) => {
    const sig = signRrset(data, ed, window(t));
    const v = verify([sig], [ed], t);
    expect(v.security).toBe("secure");
    expect(v.expiration).toBe(t + DAY);
    expect(v.signature?.inception).toBe(t - DAY);
    const late = verify([sig], [ed], t + DAY + 1);
    expect(late.reason).toMatchObject({ kind: "signature-expired", expiration: t + DAY });
    const early = verify([sig], [ed], t - DAY - 1);
    expect(early.reason).toMatchObject({ kind: "signature-not-yet-valid", inception: t - DAY });
  });

  it("skew tolerates a clock that is behind", () => {
    const sig = signRrset(data, ed, window());
    const opts = { zone: ZONE, now: NOW - DAY - 30, skewSeconds: 60 };
    expect(verifyRrset(rrset!, [sig], [ed.rr], opts).security).toBe("secure");
  });

  it("an expiration before the inception is its own reason (RFC 8914 code 25)", () => {
    const sig = signRrset(data, ed, { inception: NOW + DAY, expiration: NOW - DAY, signer: ZONE });
    expect(verify([sig], [ed]).reason).toMatchObject({
      kind: "signature-window-inverted",
      ede: Ede.SIGNATURE_EXPIRED_BEFORE_VALID,
    });
  });

  it("the earliest expiration among valid signatures is reported", () => {
    const a = signRrset(data, ed, { ...window(), expiration: NOW + 5 * DAY });
    const b = signRrset(data, ed, { ...window(), expiration: NOW + 2 * DAY });
    expect(verify([a, b], [ed]).expiration).toBe(NOW + 2 * DAY);
  });
});

/** Two Ed25519 keys with the same key tag. */
function collidingKeys(): [TestKey, TestKey] {
  const seen = new Map<number, TestKey>();
  for (let i = 0; i < 50000; i++) {
    const k = makeKey(15, ZONE, 256);
    const other = seen.get(k.tag);
    if (other) return [other, k];
    seen.set(k.tag, k);
  }
  throw new Error("no collision found");
}

describe("RFC 4035 §5.3.1: colliding key tags", () => {
  const [first, second] = collidingKeys();

  it("the keys share a tag", () => {
    expect(keyTag(first.rr.rdata)).toBe(keyTag(second.rr.rdata));
  });

  it("every key with the tag is tried: the second one verifies, secure", () => {
    const v = verify([signRrset(data, second, window())], [first, second]);
    expect(v.security).toBe("secure");
    expect(v.signature?.dnskey).toBe(second.rr);
  });

  it("a signature made with a key that is not published is bogus, naming the tag", () => {
    const v = verify([signRrset(data, second, window())], [first]);
    expect(v.security).toBe("bogus");
    expect(v.reason).toMatchObject({ kind: "signature-invalid", keyTag: first.tag, algorithm: 15 });
  });
});

describe("RFC 4034 §2.1.1, RFC 5011 §2.1: key flags", () => {
  it("a key without the zone key flag does not validate (RFC 8914 code 11)", () => {
    const k = makeKey(15, ZONE, 1);
    const v = verify([signRrset(data, k, window())], [k]);
    expect(v.reason).toMatchObject({ kind: "key-not-zone-key", ede: Ede.NO_ZONE_KEY_BIT_SET });
  });

  it("a key with a protocol other than 3 does not validate (RFC 4034 §2.1.2)", () => {
    const k = makeKey(15, ZONE, 257, 2);
    expect(verify([signRrset(data, k, window())], [k]).security).toBe("bogus");
  });

  it("a revoked key does not validate data", () => {
    const k = makeKey(15, ZONE, 385);
    const v = verify([signRrset(data, k, window())], [k]);
    expect(v.reason).toMatchObject({ kind: "key-revoked", keyTag: k.tag });
  });

  it("a revoked key validates the DNSKEY RRset that holds it", () => {
    const k = makeKey(15, ZONE, 385);
    const other = makeKey(15, ZONE, 256);
    const keys = [k.rr, other.rr];
    const set = groupRrsets(keys)[0]!.rrset!;
    expect(verify([signRrset(keys, k, window())], [k, other], NOW, set).security).toBe("secure");
  });

  it("a revoked key beside a good one: the good key's signature makes it secure", () => {
    const revoked = makeKey(15, ZONE, 385);
    const sigs = [signRrset(data, revoked, window()), signRrset(data, ed, window())];
    expect(verify(sigs, [revoked, ed]).security).toBe("secure");
  });
});

describe("RFC 4035 §5.3.1: RRSIG fields", () => {
  it("a signer other than the zone is bogus", () => {
    const other = parseName("other.");
    const v = verify([signRrset(data, ed, { ...window(), signer: other })], [ed]);
    expect(v.reason?.kind).toBe("signer-not-zone");
  });

  it("the signer name's case does not matter", () => {
    const v = verify([signRrset(data, ed, { ...window(), signer: parseName("EXAMPLE.") })], [ed]);
    expect(v.security).toBe("secure");
  });

  it("a key tag that no DNSKEY has is no-matching-dnskey (RFC 8914 code 9)", () => {
    const sig = signRrset(data, ed, { ...window(), keyTag: (ed.tag + 1) % 65536 });
    expect(verify([sig], [ed]).reason).toMatchObject({
      kind: "no-matching-dnskey",
      ede: Ede.DNSKEY_MISSING,
    });
  });

  it("the original TTL is signed, not the TTL received; owner case and duplicates do not matter", () => {
    const sig = signRrset(data, ed, window());
    const received = records(
      "WWW.EXAMPLE. 17 IN A 192.0.2.2\nwww.example. 17 IN A 192.0.2.1\nwww.example. 17 IN A 192.0.2.1",
    );
    const set = groupRrsets(received)[0]!.rrset!;
    expect(verify([{ ...sig, owner: set.owner }], [ed], NOW, set).security).toBe("secure");
  });

  it("no RRSIG at all is rrsigs-missing (RFC 8914 code 10)", () => {
    const v = verify([], [ed]);
    expect(v).toMatchObject({
      security: "bogus",
      reason: { kind: "rrsigs-missing", ede: Ede.RRSIGS_MISSING },
    });
    expect(v.reason).toMatchObject({ owner: "www.example.", type: "A" });
  });

  it("a wildcard expansion reports the source of synthesis and the next closer name", () => {
    const star = records("*.example. 300 IN A 192.0.2.1");
    const sig = signRrset(star, ed, { ...window(), labels: 1 });
    const owner = parseName("a.b.example.");
    const set = { ...groupRrsets(star)[0]!.rrset!, owner };
    const v = verify([{ ...sig, owner }], [ed], NOW, set);
    expect(v.security).toBe("secure");
    expect(v.wildcard).toEqual({
      closestEncloser: ZONE,
      sourceOfSynthesis: parseName("*.example."),
      nextCloser: parseName("b.example."),
    });
  });
});

describe("RFC 4035 §5.3.3: several RRSIGs", () => {
  const good = signRrset(data, ed, window());
  const expired = signRrset(data, ed, {
    inception: NOW - 9 * DAY,
    expiration: NOW - 2 * DAY,
    signer: ZONE,
  });
  const wrongTag = signRrset(data, ed, { ...window(), keyTag: (ed.tag + 7) % 65536 });
  const broken = signRrset(records("www.example. 300 IN A 192.0.2.9"), ed, window());
  const brokenHere = { ...broken, owner: rrset!.owner };

  it("any one valid signature makes the RRset secure, the others are listed", () => {
    const v = verify([expired, wrongTag, good], [ed]);
    expect(v.security).toBe("secure");
    expect(v.checks.map((c) => c.ok)).toEqual([false, false, true]);
  });

  it.each([
    [
      "an expired signature over one that does not verify",
      [wrongTag, brokenHere, expired],
      "signature-expired",
    ],
    [
      "a signature that does not verify over a missing key",
      [wrongTag, brokenHere],
      "signature-invalid",
    ],
    ["a missing key alone", [wrongTag], "no-matching-dnskey"],
  ])("the reason reported prefers %s", (_what, sigs, kind) => {
    const v = verify(sigs as Rr[], [ed]);
    expect(v.security).toBe("bogus");
    expect(v.reason).toMatchObject({ kind, owner: "www.example.", type: "A", algorithm: 15 });
    expect(v.reason?.inception).toBeTypeOf("number");
    expect(v.reason?.expiration).toBeTypeOf("number");
  });

  it("an unsupported algorithm in a zone with usable keys is bogus, not insecure", () => {
    const alg100 = Uint8Array.from(good.rdata);
    alg100[2] = 100;
    const v = verify([{ ...good, rdata: alg100 }], [ed]);
    expect(v.security).toBe("bogus");
  });
});

describe("misuse throws", () => {
  it("an RRSIG of another owner", () => {
    const sig = { ...signRrset(data, ed, window()), owner: parseName("x.example.") };
    expect(() => verify([sig], [ed])).toThrow(RangeError);
  });
  it("an empty RRset", () => {
    const empty = { owner: ZONE, type: RrType.A, class: RrClass.IN, ttl: 1, rdatas: [] };
    expect(() => verify([], [ed], NOW, empty)).toThrow(RangeError);
  });
});

describe("every single-byte change to a valid signature or its data is found", () => {
  const samples = vectorCases(fixture("vectors/dnspython_test_dnssec.vectors.txt")).filter((c) =>
    [
      "rsasha1-good",
      "ecdsap256-good",
      "ecdsap384-good",
      "ed25519-rfc8080-ex1-good",
      "ed448-rfc8080-ex1-good",
      "rsasha512-good",
    ].includes(c.name),
  );
  it.each(samples.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const keys = records(c.sections.get("keys")!.join("\n"));
    const now = Number(/^(\d+)/.exec(c.fields.get("time")!)![1]);
    const [{ rrset: set, rrsigs }] = groupRrsets(
      records([...c.sections.get("rrset")!, ...c.sections.get("rrsig")!].join("\n")),
    ) as [{ rrset: NonNullable<ReturnType<typeof groupRrsets>[0]["rrset"]>; rrsigs: Rr[] }];
    const zone: Name = keys[0]!.owner;
    const run = (s: typeof set, sigs: Rr[]) => verifyRrset(s, sigs, keys, { zone, now });
    expect(run(set, rrsigs).security).toBe("secure");
    const expected = {
      owner: c.sections.get("rrset")![0]!.split(/\s+/)[0],
      type: c.sections.get("rrset")![0]!.split(/\s+/)[3],
    };
    let flips = 0;
    const sig = rrsigs[0]!;
    for (let i = 0; i < sig.rdata.length; i++) {
      const rdata = Uint8Array.from(sig.rdata);
      rdata[i]! ^= 0xff;
      const v = run(set, [{ ...sig, rdata }]);
      expect({ at: `RRSIG octet ${i}`, security: v.security, ...expected }).toEqual({
        at: `RRSIG octet ${i}`,
        security: "bogus",
        owner: v.reason?.owner,
        type: v.reason?.type,
      });
      flips++;
    }
    set.rdatas.forEach((original, r) => {
      for (let i = 0; i < original.length; i++) {
        const rdata = Uint8Array.from(original);
        rdata[i]! ^= 0xff;
        const rdatas = set.rdatas.map((x, k) => (k === r ? rdata : x));
        const v = run({ ...set, rdatas }, rrsigs);
        expect({
          at: `RDATA ${r} octet ${i}`,
          security: v.security,
          owner: v.reason?.owner,
          type: v.reason?.type,
        }).toEqual({
          at: `RDATA ${r} octet ${i}`,
          security: "bogus",
          ...expected,
        });
        flips++;
      }
    });
    expect(flips).toBeGreaterThan(50);
  });
});
