/**
 * DS digests (RFC 4034 §5.1.4, RFC 4509, RFC 6605 §2) against published DS
 * records: unbound's K*.ds files and test_ds.* match files, the RFC 6605
 * examples, dnspython's DS cases and miekg/dns's TestKeyToDS.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseName } from "../../src/dns/name.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import { dsDigest, makeDs, matchDsSet } from "../../src/dnssec/ds.js";
import { parseDs } from "../../src/dnssec/rdata.js";
import { parseEntries } from "../support/rpl.js";
import { fixture, hex, record, records, vectorCases } from "./signatures-support.js";

const unitDir = fileURLToPath(new URL("../fixtures/unbound-unit/", import.meta.url));
const dsFiles = readdirSync(unitDir).filter((f) => f.endsWith(".ds"));

function pairOf(rrs: Rr[]): { ds: Rr; key: Rr } {
  return {
    ds: rrs.find((r) => r.type === RrType.DS)!,
    key: rrs.find((r) => r.type === RrType.DNSKEY)!,
  };
}

describe("RFC 4034 §5.1.4: DS digest", () => {
  it.each(dsFiles)("%s: the digest of the key file beside it", (file) => {
    const ds = record(fixture(`unbound-unit/${file}`));
    const key = record(fixture(`unbound-unit/${file.replace(/\.ds$/, ".key")}`));
    const parsed = parseDs(ds.rdata)!;
    const made = makeDs(key.owner, key.rdata, parsed.digestType);
    if (parsed.digestType === 3) {
      // GOST R 34.11-94 (RFC 5933): not implemented, an explicit result.
      expect(made).toMatchObject({ ok: false });
      expect(matchDsSet(key.owner, [ds.rdata], [key.rdata]).unsupportedDigest).toEqual([0]);
      return;
    }
    expect(made.ok && hex(made.rdata)).toBe(hex(ds.rdata));
    expect(matchDsSet(key.owner, [ds.rdata], [key.rdata]).matches).toHaveLength(1);
  });

  for (const file of ["test_ds.sha1", "test_ds.sha384"]) {
    it(`${file}: entries under "yes." match and entries under "no." do not`, () => {
      const entries = parseEntries(fixture(`unbound-unit/${file}`));
      expect(entries.length).toBeGreaterThan(2);
      for (const e of entries) {
        const { ds, key } = pairOf(records(e.answer.map((l) => l.text).join("\n")));
        const expected = Buffer.from(
          e.question[0]!.name.subarray(1, 1 + e.question[0]!.name[0]!),
        ).toString();
        const m = matchDsSet(ds.owner, [ds.rdata], [key.rdata]);
        expect({ line: e.line, matched: m.matches.length === 1 }).toEqual({
          line: e.line,
          matched: expected === "yes",
        });
      }
    });
  }

  it("RFC 6605 §6.1, §6.2: SHA-256 and SHA-384 DS examples (and corrupted copies)", () => {
    const text = fixture("vectors/rfc6605_ds.vectors.txt");
    const cases = vectorCases(text);
    expect(cases).toHaveLength(4);
    for (const c of cases) {
      const { ds, key } = pairOf(records(c.lines.join("\n")));
      const m = matchDsSet(ds.owner, [ds.rdata], [key.rdata]);
      expect(m.matches.length === 1).toBe(c.tail === "expect: MATCH");
      expect(m.unmatched.length === 1).toBe(c.tail === "expect: NO MATCH");
    }
  });

  it("dnspython: SHA-1, SHA-256 and SHA-384 DS of one key, and an RSASHA1 key's SHA-256 DS and CDS", () => {
    const cases = vectorCases(fixture("vectors/dnspython_test_dnssec.vectors.txt"));
    for (const name of ["ds-digests-dsa-key", "ds-digest-rsasha1-key"]) {
      const c = cases.find((x) => x.name === name)!;
      const key = record(c.sections.get("key")!.join("\n"));
      const expected = records(c.sections.get("ds")!.join("\n"));
      expect(expected.length).toBeGreaterThan(1);
      for (const ds of expected) {
        const made = makeDs(key.owner, key.rdata, parseDs(ds.rdata)!.digestType);
        expect(made.ok && hex(made.rdata)).toBe(hex(ds.rdata));
      }
    }
  });

  it("miekg/dns TestKeyToDS: SHA-1 digest of the miek.nl. key", () => {
    const c = vectorCases(fixture("vectors/miekg_dns_dnssec_test.vectors.txt")).find(
      (x) => x.name === "TestSecure",
    )!;
    const want = /SHA-1 DS digest of this key \(owner miek\.nl\.\) == ([0-9A-F]+)/.exec(
      c.comments.join(" "),
    )![1]!;
    const key = record(c.fields.get("dnskey")!);
    const d = dsDigest(key.owner, key.rdata, 1);
    expect(d.ok && hex(d.digest)).toBe(want.toLowerCase());
  });

  it("miekg/dns: the DS records given with the RFC 6605 and RFC 8080 examples match their keys", () => {
    const cases = vectorCases(fixture("vectors/miekg_dns_dnssec_test.vectors.txt")).filter((c) =>
      c.fields.has("ds"),
    );
    expect(cases).toHaveLength(4);
    for (const c of cases) {
      const key = record(c.fields.get("dnskey")!);
      const ds = record(c.fields.get("ds")!);
      expect(matchDsSet(key.owner, [ds.rdata], [key.rdata]).matches).toHaveLength(1);
    }
  });

  it("the owner name is digested in canonical (lowercase) form", () => {
    const key = record(fixture("unbound-unit/Kexample.com.+008+29332.key"));
    const upper = dsDigest(parseName("EXAMPLE.Com."), key.rdata, 2);
    const lower = dsDigest(parseName("example.com."), key.rdata, 2);
    expect(upper).toEqual(lower);
  });

  it.each([0, 3, 5, 6, 200])("digest type %i is reported unsupported, not thrown", (type) => {
    const key = record(fixture("unbound-unit/Kexample.com.+008+29332.key"));
    expect(dsDigest(key.owner, key.rdata, type)).toMatchObject({
      ok: false,
      unsupported: "digest-type",
    });
  });

  it("a key that is not a zone key never matches (RFC 4035 §5.2)", () => {
    const key = record(fixture("unbound-unit/Kexample.com.+008+29332.key"));
    const ds = record(fixture("unbound-unit/Kexample.com.+008+29332.ds"));
    const noZone = Uint8Array.from(key.rdata);
    noZone[0] = 0; // clears the zone key bit, and so changes the tag and digest too
    const made = makeDs(key.owner, noZone, 2);
    const m = matchDsSet(key.owner, [ds.rdata, made.ok ? made.rdata : ds.rdata], [noZone]);
    expect(m.matches).toEqual([]);
    expect(m.unmatched).toEqual([0, 1]);
  });

  it("malformed DS RDATA is listed, not thrown", () => {
    const key = record(fixture("unbound-unit/Kexample.com.+008+29332.key"));
    expect(matchDsSet(key.owner, [Uint8Array.of(1, 2, 3)], [key.rdata]).malformed).toEqual([0]);
  });
});
