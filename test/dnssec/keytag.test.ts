/**
 * RFC 4034 Appendix B key tags, against tags published with the keys:
 * unbound's K<zone>+<alg>+<tag>.key files, dnspython's RSAMD5 keys (the
 * Appendix B.1 rule) and miekg/dns's TestTag and TestSignRSA.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { keyTag } from "../../src/dnssec/keytag.js";
import { parseRrsig } from "../../src/dnssec/rdata.js";
import { fixture, record, records, vectorCases } from "./signatures-support.js";

const unitDir = fileURLToPath(new URL("../fixtures/unbound-unit/", import.meta.url));
const keyFiles = readdirSync(unitDir).filter((f) => f.endsWith(".key"));

describe("RFC 4034 Appendix B: key tag", () => {
  it.each(keyFiles)("%s: the tag in the file name is the key's tag", (file) => {
    const [, alg, tag] = /^K.*\+(\d{3})\+(\d{5})\.key$/.exec(file)!;
    const key = record(fixture(`unbound-unit/${file}`));
    expect(key.rdata[3]).toBe(Number(alg));
    expect(keyTag(key.rdata)).toBe(Number(tag));
  });

  it("RFC 4034 Appendix B.1: RSAMD5 keys take the tag from the modulus (dnspython)", () => {
    const c = vectorCases(fixture("vectors/dnspython_test_dnssec.vectors.txt")).find(
      (x) => x.name === "keytag-rsamd5",
    )!;
    expect(c.fields.get("expect")).toBe("first key -> 30239, second key -> 62992");
    const keys = records(c.sections.get("keys")!.join("\n"));
    expect(keys.map((k) => keyTag(k.rdata))).toEqual([30239, 62992]);
  });

  it("miekg/dns TestTag and TestSignRSA: the tags 12051 and 37350", () => {
    const cases = vectorCases(fixture("vectors/miekg_dns_dnssec_test.vectors.txt"));
    const secure = cases.find((c) => c.name === "TestSecure")!;
    expect(secure.comments.join(" ")).toContain("key tag of this DNSKEY == 12051");
    expect(keyTag(record(secure.fields.get("dnskey")!).rdata)).toBe(12051);
    const sign = cases.find((c) => c.name === "TestSignRSA")!;
    expect(sign.fields.get("expect")).toContain("key tag 37350");
    expect(keyTag(record(sign.fields.get("dnskey")!).rdata)).toBe(37350);
  });

  it("every vector's RRSIG names the tag of a key given with it", () => {
    const cases = vectorCases(fixture("vectors/dnspython_test_dnssec.vectors.txt"));
    let checked = 0;
    for (const c of cases) {
      const keys = c.sections.get("keys");
      const sigs = c.sections.get("rrsig");
      if (!keys || !sigs || c.comments.some((l) => l.includes("origin"))) continue;
      const tags = records(keys.join("\n")).map((k) => keyTag(k.rdata));
      for (const sig of records(sigs.join("\n"))) {
        expect(tags).toContain(parseRrsig(sig.rdata)!.keyTag);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it("an odd-length RDATA counts its last octet as a high byte", () => {
    // RFC 4034 Appendix B: words are big-endian; sums computed by hand.
    expect(keyTag(Uint8Array.of(0x01, 0x00, 0x03, 0x0f, 0xff))).toBe(
      ((0x0100 + 0x030f + 0xff00) & 0xffff) + 1,
    );
    expect(keyTag(Uint8Array.of(0x01, 0x01, 0x03, 0x08))).toBe(0x0409);
  });
});
