import dnsPacket from "dns-packet";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, type DecodeResult } from "../../src/dns/message.js";
import { readPacketFile } from "./packet-fixtures.js";

/** A small seeded generator (mulberry32), so every run sees the same cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function wellFormedName(name: Uint8Array): boolean {
  let i = 0;
  while (i < name.length && name[i] !== 0) i += 1 + name[i]!;
  return i === name.length - 1 && name.length <= 255;
}

/** Either an error value, or a message whose every name is uncompressed wire form. */
function checkResult(r: DecodeResult, size: number): void {
  if (!r.ok) {
    expect(typeof r.error).toBe("string");
    if (r.offset !== undefined) expect(r.offset).toBeLessThanOrEqual(size);
    return;
  }
  const m = r.message;
  expect(m.size).toBe(size);
  expect(m.trailingOctets).toBeGreaterThanOrEqual(0);
  for (const q of m.question) expect(wellFormedName(q.name)).toBe(true);
  for (const rr of [...m.answer, ...m.authority, ...m.additional]) {
    expect(wellFormedName(rr.owner)).toBe(true);
  }
}

/** A decoded message written again and read back has the same content. */
function checkRoundTrip(r: DecodeResult): void {
  if (!r.ok) return;
  const m = r.message;
  const edns = m.edns && {
    udpSize: m.edns.udpSize,
    version: m.edns.version,
    dnssecOk: m.edns.dnssecOk,
    options: m.edns.options,
  };
  const again = decodeMessage(encodeMessage({ ...m, ...(edns ? { edns } : {}) }));
  expect(again.ok).toBe(true);
  if (!again.ok) return;
  for (const k of ["id", "opcode", "flags", "rcode", "question", "answer"] as const) {
    expect(again.message[k]).toEqual(m[k]);
  }
  expect(again.message.authority).toEqual(m.authority);
  expect(again.message.additional).toEqual(m.additional);
  expect(again.message.edns).toEqual(m.edns);
}

const seeds = [
  readPacketFile("unbound_test_packets.4")[2]!.bytes,
  readPacketFile("unbound_test_packets.6")[1]!.bytes,
  readPacketFile("unbound_test_packets.9")[0]!.bytes,
  readPacketFile("unbound_test_packets.3")[1]!.bytes,
  readPacketFile("unbound_test_packets.4")[0]!.bytes,
];

describe("decoding damaged messages never throws (RFC 1035 §4.1)", () => {
  it("returns a value for every prefix of several real messages", () => {
    let errors = 0;
    for (const seed of seeds) {
      expect(decodeMessage(seed).ok).toBe(true);
      for (let len = 0; len < seed.length; len++) {
        const cut = seed.subarray(0, len);
        const r = decodeMessage(cut);
        checkResult(r, len);
        if (!r.ok) errors++;
      }
    }
    expect(errors).toBeGreaterThan(0);
  });

  it("returns a value for thousands of messages with random octets changed", () => {
    const random = prng(20260503);
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < 4000; i++) {
      const bytes = Uint8Array.from(seeds[i % seeds.length]!);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) {
        bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      }
      const r = decodeMessage(bytes);
      checkResult(r, bytes.length);
      checkRoundTrip(r);
      if (r.ok) ok++;
      else failed++;
    }
    // Both outcomes occur, so the damage reaches the structure and the payload.
    expect(ok).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0);
  });

  it("returns a value for random octet strings of every small length", () => {
    const random = prng(7);
    for (let i = 0; i < 2000; i++) {
      const bytes = Uint8Array.from({ length: i % 64 }, () => Math.floor(random() * 256));
      checkResult(decodeMessage(bytes), bytes.length);
    }
  });

  it("returns an error where dns-packet itself throws", () => {
    let dnsPacketThrew = 0;
    const seed = seeds[0]!;
    for (let len = 0; len < seed.length; len++) {
      const cut = seed.subarray(0, len);
      let threw = false;
      try {
        dnsPacket.decode(Buffer.from(cut));
      } catch {
        threw = true;
      }
      if (threw) {
        dnsPacketThrew++;
        expect(() => decodeMessage(cut)).not.toThrow();
        expect(decodeMessage(cut).ok).toBe(false);
      }
    }
    expect(dnsPacketThrew).toBeGreaterThan(0);
  });
});
