/**
 * Unbound's signature unit data (testdata/test_sigs.*, test_signatures.*):
 * the first ENTRY holds the DNSKEY RRset, every RRset of every later ENTRY is
 * verified with it at the date unbound's unitverify.c uses for that file.
 *
 * Unbound's rule for the expected outcome: an RRset is bogus when it has no
 * RRSIG, or when its owner or the question name starts with the label
 * "bogus"; otherwise it is secure. Where unbound validates an algorithm that
 * RFC 8624 §3.1 says a validator MUST NOT (DSA) or that node:crypto lacks
 * (ECC-GOST), this validator answers insecure instead, and the test says so.
 *
 * Unbound's unit test also asks for a valid signature of every algorithm in
 * the DNSKEY RRset (its algorithm-downgrade protection). This validator
 * follows RFC 6840 §5.11 and RFC 4035 §5.3.3 instead: any one valid
 * signature is enough. The two entries of test_sigs.sha1_and_256 where only
 * one algorithm's signature is broken are therefore secure here, with the
 * broken signature listed among the checks.
 */
import { describe, expect, it } from "vitest";
import { groupRrsets } from "../../src/dns/canonical.js";
import { labels } from "../../src/dns/name.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import { verifyRrset } from "../../src/dnssec/rrsig.js";
import { parseEntries, type RplEntry } from "../support/rpl.js";
import { fixture, records, timeOf } from "./signatures-support.js";

/** Validation dates from unbound testcode/unitverify.c. */
const FILES: Record<string, { date: string; unsupported?: string; oneAlgorithmBroken?: number[] }> =
  {
    "test_signatures.1": { date: "20070818005004" },
    "test_signatures.2": { date: "20080414005004", unsupported: "DSA" },
    "test_signatures.3": { date: "20080416005004", unsupported: "DSA" },
    "test_signatures.4": { date: "20080416005004", unsupported: "DSA" },
    "test_signatures.5": { date: "20080416005004", unsupported: "DSA" },
    "test_signatures.6": { date: "20080416005004", unsupported: "DSA" },
    "test_signatures.7": { date: "20070829144150", unsupported: "DSA" },
    "test_signatures.8": { date: "20070829144150" },
    "test_signatures.9": { date: "20171215000000" },
    "test_sigs.rsasha256": { date: "20070829144150" },
    "test_sigs.sha1_and_256": { date: "20070829144150", oneAlgorithmBroken: [28, 38] },
    "test_sigs.rsasha256_draft": { date: "20090101000000" },
    "test_sigs.rsasha512_draft": { date: "20070829144150" },
    "test_sigs.hinfo": { date: "20090107100022" },
    "test_sigs.revoked": { date: "20080414005004" },
    "test_sigs.gost": { date: "20090807060504", unsupported: "ECC-GOST" },
    "test_sigs.ecdsa_p256": { date: "20100908100439" },
    "test_sigs.ecdsa_p384": { date: "20100908100439" },
    "test_sigs.ed25519": { date: "20170530140439" },
    "test_sigs.ed448": { date: "20180408143630" },
  };

function entryRecords(entry: RplEntry): Rr[] {
  const lines = [...entry.answer, ...entry.authority, ...entry.additional].map((l) => l.text);
  return records(lines.join("\n"));
}

function startsWithBogus(name: Uint8Array): boolean {
  const first = labels(name)[0];
  return first !== undefined && Buffer.from(first).toString("latin1").toLowerCase() === "bogus";
}

interface Expectation {
  file: string;
  entryLine: number;
  owner: string;
  type: number;
  expected: "secure" | "bogus" | "insecure";
  rrset: NonNullable<ReturnType<typeof groupRrsets>[number]["rrset"]>;
  rrsigs: Rr[];
  keys: Rr[];
  now: number;
}

function expectations(file: string): Expectation[] {
  const { date, unsupported, oneAlgorithmBroken = [] } = FILES[file]!;
  const [keyEntry, ...tests] = parseEntries(fixture(`unbound-unit/${file}`));
  const keys = entryRecords(keyEntry!).filter((rr) => rr.type === RrType.DNSKEY);
  const out: Expectation[] = [];
  for (const entry of tests) {
    const qname = entry.question[0]!.name;
    for (const { rrset, rrsigs } of groupRrsets(entryRecords(entry))) {
      // An RRSIG without its RRset (an AXFR cut in two) has nothing to verify.
      if (!rrset) continue;
      let expected: Expectation["expected"] =
        rrsigs.length === 0 || startsWithBogus(rrset.owner) || startsWithBogus(qname)
          ? "bogus"
          : "secure";
      if (unsupported && rrsigs.length > 0) expected = "insecure";
      if (oneAlgorithmBroken.includes(entry.line)) expected = "secure";
      out.push({
        file,
        entryLine: entry.line,
        owner: Buffer.from(rrset.owner).toString("hex"),
        type: rrset.type,
        expected,
        rrset,
        rrsigs,
        keys,
        now: timeOf(date),
      });
    }
  }
  return out;
}

describe("RFC 4035 §5.3: unbound unit signature files", () => {
  for (const file of Object.keys(FILES)) {
    it(`${file}: every RRset gets unbound's verdict at ${FILES[file]!.date}`, () => {
      const all = expectations(file);
      expect(all.length).toBeGreaterThan(0);
      for (const x of all) {
        const zone = x.keys[0]!.owner;
        const v = verifyRrset(x.rrset, x.rrsigs, x.keys, { zone, now: x.now });
        expect({ line: x.entryLine, type: x.type, security: v.security }).toEqual({
          line: x.entryLine,
          type: x.type,
          security: x.expected,
        });
        if (x.expected === "insecure") expect(v.reason?.kind).toBe("unsupported-algorithm");
        if (FILES[file]!.oneAlgorithmBroken?.includes(x.entryLine)) {
          const failed = v.checks.filter((c) => !c.ok);
          expect(failed.map((c) => !c.ok && c.reason.kind)).toEqual(["signature-invalid"]);
        }
      }
    });
  }

  it("test_sigs.revoked: a revoked key validates only its own DNSKEY RRset (RFC 5011 §2.1)", () => {
    const all = expectations("test_sigs.revoked");
    const kinds = all.map((x) => {
      const v = verifyRrset(x.rrset, x.rrsigs, x.keys, { zone: x.keys[0]!.owner, now: x.now });
      return [x.type, v.security, v.reason?.kind];
    });
    expect(kinds).toEqual([
      [RrType.SOA, "bogus", "key-revoked"],
      [RrType.DNSKEY, "bogus", "key-revoked"],
      [RrType.DNSKEY, "secure", undefined],
    ]);
  });
});
