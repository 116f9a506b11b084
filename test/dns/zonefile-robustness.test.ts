/**
 * Damaged input: a zone file with bytes changed must give records or an
 * error, never an exception; and any RDATA at all, for any type, must print
 * as text that reads back to the same octets (RFC 3597 §5 covers what a
 * type's own syntax cannot say).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { parseRecord, parseZone, rrToText } from "../../src/dns/zonefile.js";

/** A small deterministic generator (mulberry32), so that failures repeat. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const zoneText = readFileSync(
  new URL("../fixtures/zones/unbound_test_ldnsrr.3", import.meta.url),
  "utf8",
);

describe("damaged zone files", () => {
  it("give records or an error with a line, never an exception", () => {
    const rnd = prng(1);
    const alphabet = ' \t\n;()"\\.@$#0123456789aAzZ-+/=:';
    for (let round = 0; round < 300; round++) {
      const chars = zoneText.slice(0, 6000).split("");
      for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) {
        chars[Math.floor(rnd() * chars.length)] = alphabet[Math.floor(rnd() * alphabet.length)]!;
      }
      const res = parseZone(chars.join(""));
      if (res.ok) {
        for (const rr of res.records) expect(parseRecord(rrToText(rr)).rdata).toEqual(rr.rdata);
      } else {
        expect(res.error.line).toBeGreaterThan(0);
        expect(res.error.message.length).toBeGreaterThan(0);
      }
    }
  });
});

describe("RFC 3597 §5: any RDATA prints as text that reads back to the same octets", () => {
  const types: number[] = [...Object.values(RrType), 65280];
  const valid = parseZone(zoneText);
  if (!valid.ok) throw new Error(valid.error.message);

  it("holds for random RDATA of every type", () => {
    const rnd = prng(2);
    for (const type of types) {
      for (let round = 0; round < 200; round++) {
        const rdata = Uint8Array.from({ length: Math.floor(rnd() * 48) }, () =>
          Math.floor(rnd() * 256),
        );
        const rr = { owner: ROOT, type, class: 1, ttl: 0, rdata };
        const text = rrToText(rr);
        expect(parseRecord(text).rdata, text).toEqual(rdata);
      }
    }
  });

  it("holds for real RDATA with an octet changed, cut off or added", () => {
    const rnd = prng(3);
    // Values that sit on the edges of lengths, labels and bitmaps.
    const edges = [0, 1, 2, 0x20, 0x3f, 0x40, 0x7f, 0x80, 0xc0, 0xff];
    const octet = (): number =>
      rnd() < 0.6 ? edges[Math.floor(rnd() * edges.length)]! : Math.floor(rnd() * 256);
    for (const rr of valid.records) {
      for (let round = 0; round < 24 && rr.rdata.length > 0; round++) {
        let rdata = rr.rdata.slice();
        const at = Math.floor(rnd() * rdata.length);
        const how = round % 3;
        if (how === 0) rdata[at] = octet();
        else if (how === 1) rdata = rdata.subarray(0, at);
        else rdata = Uint8Array.from([...rdata, octet()]);
        const text = rrToText({ ...rr, rdata });
        expect(parseRecord(text).rdata, text).toEqual(rdata);
      }
    }
  });
});
