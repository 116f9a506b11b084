import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseName } from "../../src/dns/name.js";
import { parseZone } from "../../src/dns/zonefile.js";
import { scanZone } from "../../src/dns/zonefile-scan.js";
import { planZone } from "../../src/dnssec/zone-verifier.js";
import { planScan } from "../../src/dnssec/zone-verifier-scan.js";

const ZONES = new URL("../fixtures/zones/", import.meta.url);
const NOW = Date.parse("2017-08-25T00:00:00Z") / 1000;

/** A plan as JSON, bytes in hex: what the two ways of planning must agree on. */
const json = (plan: unknown): string =>
  JSON.stringify(plan, (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v,
  );

function bothPlans(text: string, originText: string): [string, string] {
  const origin = parseName(originText);
  const parsed = parseZone(text, { origin });
  if (!parsed.ok) throw new Error(parsed.error.message);
  const scan = scanZone(text, { origin });
  if (!scan) throw new Error("scanZone gave up");
  return [
    json(planZone(parsed.records, { origin, now: NOW })),
    json(planScan(scan, { origin, now: NOW })),
  ];
}

describe("planScan sorts a scanned zone exactly as planZone sorts its records", () => {
  it.each([
    ["root.zone.2017082100", "."],
    ["root.zone.2017082100", "com."],
    ["rfc4035-appendixA-example.zone.signed", "example."],
    ["rfc5155-appendixA-example.zone.signed", "example."],
    ["ede-zones/dnssec-failures.test.signed", "dnssec-failures.test."],
    ["syntax/features.zone", "example."],
    ["syntax/features.zone", "sub.example."],
  ])("%s with origin %s", (path, origin) => {
    const [expected, actual] = bothPlans(readFileSync(new URL(path, ZONES), "utf8"), origin);
    expect(actual).toBe(expected);
  });

  it("with owners spelled in other cases, scattered records, RRSIGs of absent types and other classes", () => {
    const text = [
      "$TTL 300",
      "example. SOA ns.example. h.example. 1 2 3 4 5",
      "a.example. 60 A 192.0.2.1",
      "b.example. NS ns.b.example.",
      "A.EXAMPLE. 30 A 192.0.2.2",
      "ns.b.example. A 192.0.2.3",
      "a.example. RRSIG A 8 2 300 20240101000000 20231201000000 1 example. AAAA",
      "a.Example. RRSIG MX 8 2 300 20240101000000 20231201000000 1 example. AAAA",
      "a.example. CH TXT x",
      "a.example. RRSIG TXT 8 2 300 20240101000000 20231201000000 1 example. AAAA",
      "b.example. IN RRSIG NS 8 2 300 20240101000000 20231201000000 1 example. AAAA",
      "c.b.example. TXT below",
      "d.example. DNAME x.example.",
      "e.d.example. TXT below",
      "example. DS 1 8 2 ab",
      "other. A 192.0.2.9",
      "",
    ].join("\n");
    const [expected, actual] = bothPlans(text, "example.");
    expect(actual).toBe(expected);
  });
});
