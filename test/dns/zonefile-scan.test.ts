import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseName } from "../../src/dns/name.js";
import { parseZone } from "../../src/dns/zonefile.js";
import { scanRecords, scanZone } from "../../src/dns/zonefile-scan.js";

const ZONES = new URL("../fixtures/zones/", import.meta.url);
const zoneText = (path: string): string => readFileSync(new URL(path, ZONES), "utf8");

/** Records as comparable lines: owner, class, type, TTL and RDATA in hex. */
function lines(
  records: { owner: Uint8Array; class: number; type: number; ttl: number; rdata: Uint8Array }[],
): string[] {
  const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
  return records.map((r) => `${hex(r.owner)} ${r.class} ${r.type} ${r.ttl} ${hex(r.rdata)}`);
}

function expectSameAsParseZone(text: string, origin = parseName("example.")): void {
  const parsed = parseZone(text, { origin });
  if (!parsed.ok) throw new Error(`parseZone: line ${parsed.error.line}: ${parsed.error.message}`);
  const scan = scanZone(text, { origin });
  expect(scan).toBeDefined();
  expect(lines(scanRecords(scan!))).toEqual(lines(parsed.records));
}

describe("scanZone reads what parseZone reads, byte for byte", () => {
  it.each([
    ["root.zone.2017082100", "."],
    ["root.zone.2025120902.apex-excerpt", "."],
    ["rfc4035-appendixA-example.zone.signed", "example."],
    ["rfc5155-appendixA-example.zone.signed", "example."],
    ["ede-zones/dnssec-failures.test.signed", "dnssec-failures.test."],
    ["syntax/features.zone", "example."],
    ["ldns-generic/rfc4035-appendixA-example.zone.signed.generic", "example."],
  ])("in %s", (path, origin) => {
    expectSameAsParseZone(zoneText(path), parseName(origin));
  });

  it("in the forms the fast readers leave to the codecs", () => {
    expectSameAsParseZone(
      [
        "$TTL 300",
        "a\tIN 60\tA\t010.0.0.1 ; leading zeros",
        "\tCH\tA\t\\# 4 c0000201",
        "\tIN\tA\t192.0.2.1",
        "b\tAAAA\t::ffff:192.0.2.1",
        "\tAAAA\t::",
        "\tAAAA\t1::",
        "\tAAAA\tFE80:0:0:0:0:0:0:1",
        "Up.Case NS\tNS.Example.",
        "ds\tDS\t12345 RSASHA256 2 ( AB12",
        "\t\tcd34 )",
        "ds2\tDS\t12345 8 2 ab12 CD34",
        "sig\tRRSIG\tA RSASHA256 2 3600 20240101000000 20231201000000 12345 example. AAECAw==",
        "sig2\tRRSIG\tTYPE1 8 2 3600 1704067200 1701388800 12345 @ AAEC AwQF",
        "sig3\tRRSIG\tA 8 2 3600 20240101000000 20231201000000 12345 example. ( AAEC",
        "\t\tAwQF )",
        "n\tNSEC\tz.example. A MX TYPE1234 RRSIG NSEC A",
        "n2\tNSEC\tz.example.",
        'q\tTXT\t"quoted" word',
        "e\\.d\tCNAME\tt\\065rget",
        "$ORIGIN sub.example.",
        "x\tPTR\tx",
        "$TTL 1h",
        "y\tDNAME\t@",
      ].join("\n") + "\n",
    );
  });

  it.each([
    ["an address part above 255", "a A 256.0.0.1"],
    ["an IPv6 address with two gaps", "a AAAA 1::2::3"],
    ["an IPv6 address with three colons", "a AAAA 1:::2"],
    ["an IPv6 group of five digits", "a AAAA 12345::1"],
    ["an odd number of hex digits", "a DS 1 8 2 abc"],
    [
      "a signature that is not base64",
      "a RRSIG A 8 2 3600 20240101000000 20231201000000 1 example. AA*A",
    ],
    [
      "a date that does not exist",
      "a RRSIG A 8 2 3600 20241301000000 20231201000000 1 example. AAAA",
    ],
    ["an unknown type in an NSEC bitmap", "a NSEC b.example. A NOPE"],
    ["a second name after NS", "a NS b.example. c.example."],
    ["an unknown type", "a NOPE 1"],
    ["an unclosed parenthesis", "a A ( 192.0.2.1"],
    ["$INCLUDE", "$INCLUDE other.zone"],
    ["a record without TTL", "a A 192.0.2.1"],
  ])("gives up on %s, as parseZone reports an error", (_what, line) => {
    const text = `${line === "a A 192.0.2.1" || line.startsWith("$") ? "" : "$TTL 60\n"}${line}\n`;
    expect(parseZone(text, { origin: parseName("example.") }).ok).toBe(false);
    expect(scanZone(text, { origin: parseName("example.") })).toBeUndefined();
  });
});
