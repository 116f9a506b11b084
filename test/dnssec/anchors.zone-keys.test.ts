/**
 * RFC 4035 §5.2: trusting a zone's DNSKEY RRset from a DS RRset or DNSKEY
 * anchors, with the root's keys of 2017 and 2025. DS records are made here
 * with node:crypto (RFC 4034 §5.1.4) or read from IANA's files, not with the
 * project's DS code.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { groupRrsets } from "../../src/dns/canonical.js";
import { ROOT } from "../../src/dns/name.js";
import { RrType, type Rr, type RrSet } from "../../src/dns/rr.js";
import { parseRecord, parseZone } from "../../src/dns/zonefile.js";
import { trustZoneKeys } from "../../src/dnssec/zone-keys.js";

const fixture = (path: string): string =>
  readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
const at = (iso: string): number => Date.parse(iso) / 1000;

/** RFC 4034 Appendix B key tag, written out here for the test. */
function keyTag(rdata: Uint8Array): number {
  let acc = 0;
  for (let i = 0; i < rdata.length; i++) acc += i & 1 ? rdata[i]! : rdata[i]! << 8;
  return (acc + ((acc >> 16) & 0xffff)) & 0xffff;
}

/** A DS record for a root DNSKEY: digest over the root name (one zero octet) and the RDATA. */
function ds(
  key: Uint8Array,
  digestType: number,
  hash: string,
  opts: { algorithm?: number; corrupt?: boolean } = {},
): Rr {
  const digest = createHash(hash).update(Uint8Array.of(0)).update(key).digest();
  if (opts.corrupt) digest[0]! ^= 0xff;
  const alg = opts.algorithm ?? key[3]!;
  return parseRecord(`. 0 IN DS ${keyTag(key)} ${alg} ${digestType} ${digest.toString("hex")}`);
}

interface Apex {
  dnskeys: RrSet;
  rrsigs: Rr[];
}

function apexOf(text: string): Apex {
  const z = parseZone(text, { origin: ROOT });
  if (!z.ok) throw new Error(z.error.message);
  const g = groupRrsets(z.records.filter((r) => r.owner.length === 1)).find(
    (g) => g.rrset?.type === RrType.DNSKEY,
  )!;
  return { dnskeys: g.rrset!, rrsigs: g.rrsigs };
}

const keyWithTag = (apex: Apex, tag: number): Uint8Array =>
  apex.dnskeys.rdatas.find((k) => keyTag(k) === tag)!;

describe("RFC 4035 §5.2: the root DNSKEY RRset of 2017-08-21", () => {
  let apex: Apex;
  const now = at("2017-08-25T00:00:00Z");
  beforeAll(() => {
    apex = apexOf(fixture("zones/root.zone.2017082100"));
  });

  it("is secure under the DS of IANA's 2010 root-anchors file (KSK 19036)", () => {
    const xml = fixture("anchors/root-anchors.iana-2010.xml");
    const digest = /<Digest>([0-9A-F]+)<\/Digest>/.exec(xml)![1]!;
    const tag = /<KeyTag>(\d+)<\/KeyTag>/.exec(xml)![1]!;
    const anchor = parseRecord(`. 0 IN DS ${tag} 8 2 ${digest}`);
    const result = trustZoneKeys({ zone: ROOT, ...apex, ds: [anchor], now });
    expect(result.security).toBe("secure");
    expect(result.keys.map((k) => k.rdata)).toEqual(apex.dnskeys.rdatas);
  });

  it("is bogus, no-dnskey-matches-ds (EDE 9), when the DS points at no key in the RRset", () => {
    const other = apexOf(fixture("zones/root.zone.2025120902.apex-excerpt"));
    const result = trustZoneKeys({
      zone: ROOT,
      ...apex,
      ds: [ds(keyWithTag(other, 38696), 2, "sha256")],
      now,
    });
    expect(result.security).toBe("bogus");
    expect(result.reason).toMatchObject({ kind: "no-dnskey-matches-ds", ede: 9 });
    expect(result.keys).toEqual([]);
  });

  it("is bogus with EDE 9 when the DS matches a published key that does not sign the RRset (KSK 20326 in 2017)", () => {
    const result = trustZoneKeys({
      zone: ROOT,
      ...apex,
      ds: [ds(keyWithTag(apex, 20326), 2, "sha256")],
      now,
    });
    expect(result.security).toBe("bogus");
    expect(result.reason).toMatchObject({ kind: "no-matching-dnskey", ede: 9 });
  });

  it("is bogus with the signature's reason when the matching key's signature has expired", () => {
    const result = trustZoneKeys({
      zone: ROOT,
      ...apex,
      ds: [ds(keyWithTag(apex, 19036), 2, "sha256")],
      now: at("2017-09-11T00:00:00Z"),
    });
    expect(result.security).toBe("bogus");
    expect(result.reason).toMatchObject({
      kind: "signature-expired",
      ede: 7,
      owner: ".",
      type: "DNSKEY",
    });
  });

  it("is bogus, dnskey-missing, when the zone has no DNSKEY RRset", () => {
    const result = trustZoneKeys({
      zone: ROOT,
      dnskeys: undefined,
      rrsigs: [],
      ds: [ds(keyWithTag(apex, 19036), 2, "sha256")],
      now,
    });
    expect(result).toMatchObject({ security: "bogus", reason: { kind: "dnskey-missing", ede: 9 } });
  });

  it("RFC 4509 §3: ignores a SHA-1 DS when a SHA-256 DS is present, even a wrong one", () => {
    const k = keyWithTag(apex, 19036);
    const goodSha1 = ds(k, 1, "sha1");
    const badSha256 = ds(k, 2, "sha256", { corrupt: true });
    const result = trustZoneKeys({ zone: ROOT, ...apex, ds: [goodSha1, badSha256], now });
    expect(result).toMatchObject({ security: "bogus", reason: { kind: "no-dnskey-matches-ds" } });
    expect(result.tried).toEqual([{ keyTag: 19036, algorithm: 8, digestType: 2 }]);
    const swapped = trustZoneKeys({
      zone: ROOT,
      ...apex,
      ds: [ds(k, 1, "sha1", { corrupt: true }), ds(k, 2, "sha256")],
      now,
    });
    expect(swapped.security).toBe("secure");
  });

  it("uses a SHA-1 DS when it is the only kind, and SHA-384 over SHA-256 (RFC 6605 §2)", () => {
    const k = keyWithTag(apex, 19036);
    expect(trustZoneKeys({ zone: ROOT, ...apex, ds: [ds(k, 1, "sha1")], now }).security).toBe(
      "secure",
    );
    const both = trustZoneKeys({
      zone: ROOT,
      ...apex,
      ds: [ds(k, 2, "sha256"), ds(k, 4, "sha384")],
      now,
    });
    expect(both.security).toBe("secure");
    expect(both.tried.map((t) => t.digestType)).toEqual([4]);
  });

  it("RFC 6840 §5.2: is insecure when every DS has an unsupported digest type", () => {
    const k = keyWithTag(apex, 19036);
    const gost = parseRecord(`. 0 IN DS 19036 8 3 ${"ab".repeat(32)}`);
    const sm3 = parseRecord(`. 0 IN DS 19036 8 6 ${"cd".repeat(32)}`);
    const result = trustZoneKeys({ zone: ROOT, ...apex, ds: [gost, sm3], now });
    expect(result).toMatchObject({
      security: "insecure",
      reason: { kind: "unsupported-digest", ede: 2 },
    });
    // With one supported DS beside them the zone is judged by that one.
    expect(
      trustZoneKeys({ zone: ROOT, ...apex, ds: [gost, ds(k, 2, "sha256")], now }).security,
    ).toBe("secure");
  });

  it("RFC 4035 §5.2: is insecure when every DS names an unsupported algorithm", () => {
    const k = keyWithTag(apex, 19036);
    const result = trustZoneKeys({
      zone: ROOT,
      ...apex,
      ds: [ds(k, 2, "sha256", { algorithm: 12 })],
      now,
    });
    expect(result).toMatchObject({
      security: "insecure",
      reason: { kind: "unsupported-algorithm", ede: 1 },
    });
  });

  it("is bogus, malformed, when no DS record can be read", () => {
    const short: Rr = {
      owner: ROOT,
      type: RrType.DS,
      class: 1,
      ttl: 0,
      rdata: Uint8Array.of(0x4a, 0x5c, 8),
    };
    const result = trustZoneKeys({ zone: ROOT, ...apex, ds: [short], now });
    expect(result).toMatchObject({ security: "bogus", reason: { kind: "malformed", ede: 24 } });
  });

  it("is indeterminate without any DS or anchor", () => {
    expect(trustZoneKeys({ zone: ROOT, ...apex, now }).security).toBe("indeterminate");
  });
});

describe("RFC 4035 §5.2 with DNSKEY anchors: the root of 2025-12-09", () => {
  it("is secure under Debian's root.key (KSK 20326 signs the RRset)", () => {
    const apex = apexOf(fixture("zones/root.zone.2025120902.apex-excerpt"));
    const keys = parseZone(fixture("anchors/root.key.debian-dns-root-data"), {
      origin: ROOT,
      defaultTtl: 0,
    });
    if (!keys.ok) throw new Error(keys.error.message);
    const result = trustZoneKeys({
      zone: ROOT,
      ...apex,
      anchorKeys: keys.records,
      now: at("2025-12-10T00:00:00Z"),
    });
    expect(result.security).toBe("secure");
    expect(result.keys).toHaveLength(apex.dnskeys.rdatas.length);
  });

  it("is bogus under a DNSKEY anchor that signs nothing (KSK 19036 of 2017)", () => {
    const apex = apexOf(fixture("zones/root.zone.2025120902.apex-excerpt"));
    const old = apexOf(fixture("zones/root.zone.2017082100"));
    const k19036 = old.dnskeys.rdatas.find((k) => keyTag(k) === 19036)!;
    const anchor: Rr = { owner: ROOT, type: RrType.DNSKEY, class: 1, ttl: 0, rdata: k19036 };
    const result = trustZoneKeys({
      zone: ROOT,
      ...apex,
      anchorKeys: [anchor],
      now: at("2025-12-10T00:00:00Z"),
    });
    expect(result).toMatchObject({ security: "bogus", reason: { ede: 9 } });
  });
});
