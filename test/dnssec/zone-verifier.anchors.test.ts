/**
 * Whole-zone verification from a trust anchor (RFC 4035 §5.2 then §5.3): the
 * root zones of 2017 and 2025 against IANA's published anchors and the
 * built-in ones.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../src/dns/name.js";
import type { Rr } from "../../src/dns/rr.js";
import { parseZone } from "../../src/dns/zonefile.js";
import { parseTrustAnchors } from "../../src/dnssec/anchor-file.js";
import { builtInRootAnchors, type TrustAnchorSet } from "../../src/dnssec/anchors.js";
import { verifyZone } from "../../src/dnssec/zone-verifier.js";

const fixture = (path: string): string =>
  readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
const at = (iso: string): number => Date.parse(iso) / 1000;

function zoneRecords(path: string): Rr[] {
  const z = parseZone(fixture(path), { origin: ROOT });
  if (!z.ok) throw new Error(z.error.message);
  return z.records;
}

function anchorsFrom(path: string): TrustAnchorSet {
  const r = parseTrustAnchors(fixture(path), { file: path });
  if (!r.ok) throw new Error(r.error.message);
  return r.anchors;
}

const rrsigCount = (text: string): number => text.match(/^\S+\s+\d+\s+IN\s+RRSIG\s/gm)!.length;

describe("the root zone excerpt of 2025-12-09 from IANA's 2024 anchors", () => {
  const path = "zones/root.zone.2025120902.apex-excerpt";
  const now = at("2025-12-10T00:00:00Z");

  it("is secure throughout: DNSKEY RRset signed by KSK 20326, in force since 2017-02-02", () => {
    const anchors = anchorsFrom("anchors/root-anchors.iana-2024.xml").forZone(ROOT, now)!;
    const report = verifyZone(zoneRecords(path), { origin: ROOT, now, anchors });
    expect(report.chain).toEqual({ security: "secure" });
    expect(report.signatures).toBe(rrsigCount(fixture(path)));
    expect(report.secure).toBe(report.rrsets);
    expect(report.failures).toEqual([]);
  });

  it("is secure from the built-in anchors too", () => {
    const anchors = builtInRootAnchors().forZone(ROOT, now)!;
    const report = verifyZone(zoneRecords(path), { origin: ROOT, now, anchors });
    expect(report.chain?.security).toBe("secure");
    expect(report.bogus).toBe(0);
  });

  it("is bogus throughout from the 2010 anchor (KSK 19036, long gone): EDE 9", () => {
    const anchors = anchorsFrom("anchors/root-anchors.iana-2010.xml").forZone(ROOT, now)!;
    const report = verifyZone(zoneRecords(path), { origin: ROOT, now, anchors });
    expect(report.chain).toMatchObject({
      security: "bogus",
      reason: { kind: "no-dnskey-matches-ds", ede: 9 },
    });
    expect(report.bogus).toBe(report.rrsets);
    expect(report.secure).toBe(0);
    expect(report.failures).toEqual([
      expect.objectContaining({
        owner: ".",
        type: "DNSKEY",
        reason: "no-dnskey-matches-ds",
        ede: 9,
      }),
    ]);
  });
});

describe("the root zone of 2017-08-21 during the KSK rollover", () => {
  let records: Rr[];
  const now = at("2017-08-25T00:00:00Z");
  beforeAll(() => {
    records = zoneRecords("zones/root.zone.2017082100");
  });

  it("is secure from the 2024 file's anchors in force then (19036 signs; 20326 is published)", () => {
    const anchors = anchorsFrom("anchors/root-anchors.iana-2024.xml").forZone(ROOT, now)!;
    expect(anchors.ds).toHaveLength(2);
    const report = verifyZone(records, { origin: ROOT, now, anchors });
    expect(report.chain?.security).toBe("secure");
    expect(report.secure).toBe(2950);
  });

  it("is bogus from KSK-2017 alone, which did not sign the DNSKEY RRset until 2018-10-11", () => {
    const anchors = builtInRootAnchors().forZone(ROOT, now)!;
    expect(anchors.ds).toHaveLength(1);
    const report = verifyZone(records, { origin: ROOT, now, anchors });
    expect(report.chain).toMatchObject({ security: "bogus", reason: { ede: 9 } });
    expect(report.bogus).toBe(2950);
    expect(report.failures).toHaveLength(1);
  });
});
