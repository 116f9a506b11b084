/**
 * DNSSEC RDATA readers (RFC 4034 §2-§5, RFC 5155 §3-§4): fields compared
 * with the presentation text they were written from, and malformed RDATA
 * rejected without exceptions.
 */
import { describe, expect, it } from "vitest";
import { parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import {
  decodeTypeBitmap,
  encodeTypeBitmap,
  parseDnskey,
  parseDs,
  parseNsec,
  parseNsec3,
  parseNsec3Param,
  parseRrsig,
} from "../../src/dnssec/rdata.js";
import { hex, record, timeOf } from "./signatures-support.js";

// RFC 4034 §4.3: the bitmap of "A MX RRSIG NSEC TYPE1234", octet by octet.
const RFC4034_BITMAP = Uint8Array.from([
  0x00,
  0x06,
  0x40,
  0x01,
  0x00,
  0x00,
  0x00,
  0x03,
  0x04,
  0x1b,
  ...new Array<number>(26).fill(0),
  0x20,
]);

describe("RFC 4034 §3.1: RRSIG RDATA", () => {
  const rr = record(
    "www.example.net. 3600 IN RRSIG A 13 3 3600 20100909100439 20100812100439 55648 Example.NET. " +
      "qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw==",
  );
  const sig = parseRrsig(rr.rdata)!;

  it("reads every field as written", () => {
    expect(sig).toMatchObject({
      typeCovered: RrType.A,
      algorithm: 13,
      labels: 3,
      originalTtl: 3600,
      expiration: timeOf("20100909100439"),
      inception: timeOf("20100812100439"),
      keyTag: 55648,
    });
    expect(sig.signer).toEqual(parseName("Example.NET."));
    expect(sig.signature).toHaveLength(64);
  });

  it("the signed fields are the RDATA up to the end of the signer's name", () => {
    expect(sig.signedFields.length + sig.signature.length).toBe(rr.rdata.length);
    expect(hex(sig.signedFields.subarray(18))).toBe(hex(parseName("Example.NET.")));
  });

  it.each([
    ["empty", new Uint8Array(0)],
    ["fixed fields only", new Uint8Array(18)],
    [
      "a signer that runs past the end",
      Uint8Array.from([...new Array<number>(18).fill(0), 7, 0x61]),
    ],
  ])("malformed RDATA (%s) gives undefined", (_what, rdata) => {
    expect(parseRrsig(rdata)).toBeUndefined();
  });
});

describe("RFC 4034 §2.1, RFC 5011 §3: DNSKEY RDATA and flags", () => {
  it.each([
    [256, { isZoneKey: true, isSep: false, isRevoked: false }],
    [257, { isZoneKey: true, isSep: true, isRevoked: false }],
    [384, { isZoneKey: true, isSep: false, isRevoked: true }],
    [385, { isZoneKey: true, isSep: true, isRevoked: true }],
    [1, { isZoneKey: false, isSep: true, isRevoked: false }],
  ])("flags %i", (flags, bits) => {
    const key = parseDnskey(record(`example. 3600 IN DNSKEY ${flags} 3 8 AwEAAQ==`).rdata)!;
    expect(key).toMatchObject({ flags, protocol: 3, algorithm: 8, ...bits });
    expect([...key.publicKey]).toEqual([3, 1, 0, 1]);
  });

  it("RDATA shorter than 4 octets is malformed", () => {
    expect(parseDnskey(Uint8Array.of(1, 0, 3))).toBeUndefined();
  });
});

describe("RFC 4034 §5.1: DS RDATA", () => {
  it("reads key tag, algorithm, digest type and digest", () => {
    const ds = parseDs(
      record("example. DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118").rdata,
    )!;
    expect(ds).toMatchObject({ keyTag: 60485, algorithm: 5, digestType: 1 });
    expect(hex(ds.digest)).toBe("2bb183af5f22588179a53b0a98631fad1a292118");
    expect(parseDs(Uint8Array.of(1, 2, 3, 4))).toBeUndefined();
  });
});

describe("RFC 4034 §4.1.2: type bitmaps", () => {
  it("decodes the RFC 4034 §4.3 example bitmap", () => {
    expect([...decodeTypeBitmap(RFC4034_BITMAP)!].sort((a, b) => a - b)).toEqual([
      1, 15, 46, 47, 1234,
    ]);
  });

  it("encodes the same set to the same octets", () => {
    expect(hex(encodeTypeBitmap([47, 1234, 1, 46, 15]))).toBe(hex(RFC4034_BITMAP));
  });

  it("an empty set is an empty bitmap", () => {
    expect(encodeTypeBitmap([])).toHaveLength(0);
    expect(decodeTypeBitmap(new Uint8Array(0))!.size).toBe(0);
  });

  it("round-trips types in several windows, 0 and 65535 included", () => {
    const types = [0, 1, 255, 256, 32768, 65535];
    expect([...decodeTypeBitmap(encodeTypeBitmap(types))!].sort((a, b) => a - b)).toEqual(types);
  });

  it.each([
    ["a window length of 0", [0, 0]],
    ["a window length of 33", [0, 33, ...new Array<number>(33).fill(1)]],
    ["windows out of order", [1, 1, 0x40, 0, 1, 0x40]],
    ["a repeated window", [0, 1, 0x40, 0, 1, 0x20]],
    ["a trailing zero octet", [0, 2, 0x40, 0]],
    ["a truncated window", [0, 3, 0x40]],
    ["a lone window number", [0]],
  ])("rejects %s", (_what, bytes) => {
    expect(decodeTypeBitmap(Uint8Array.from(bytes))).toBeUndefined();
  });
});

describe("RFC 4034 §4.1, RFC 5155 §3.2, §4.2: NSEC, NSEC3 and NSEC3PARAM", () => {
  it("NSEC: the next owner name, with its case, and the types", () => {
    const nsec = parseNsec(
      record("alfa.example.com. NSEC Host.Example.com. A MX RRSIG NSEC TYPE1234").rdata,
    )!;
    expect(nsec.next).toEqual(parseName("Host.Example.com."));
    expect([...nsec.types].sort((a, b) => a - b)).toEqual([1, 15, 46, 47, 1234]);
    expect(parseNsec(Uint8Array.of(1, 0x61, 0, 0, 0))).toBeUndefined();
  });

  it("NSEC3 from the RFC 5155 Appendix A zone", () => {
    const n = parseNsec3(
      record(
        "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example. NSEC3 1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA MX RRSIG DNSKEY NSEC3PARAM",
      ).rdata,
    )!;
    expect(n).toMatchObject({ hashAlgorithm: 1, flags: 1, optOut: true, iterations: 12 });
    expect(hex(n.salt)).toBe("aabbccdd");
    expect(n.nextHashed).toHaveLength(20);
    expect([...n.types].sort((a, b) => a - b)).toEqual([2, 6, 15, 46, 48, 51]);
  });

  it("NSEC3 with an empty salt and no types (an empty non-terminal)", () => {
    const n = parseNsec3(
      record("x.example. NSEC3 1 0 0 - 2t7b4g4vsa5smi47k61mv5bv1a22bojr").rdata,
    )!;
    expect(n).toMatchObject({ optOut: false, iterations: 0 });
    expect(n.salt).toHaveLength(0);
    expect(n.types.size).toBe(0);
  });

  it.each([
    ["truncated salt", [1, 0, 0, 0, 4, 0xaa]],
    ["zero-length hash", [1, 0, 0, 0, 0, 0]],
    ["hash past the end", [1, 0, 0, 0, 0, 20, 1, 2]],
  ])("NSEC3 with %s is malformed", (_what, bytes) => {
    expect(parseNsec3(Uint8Array.from(bytes))).toBeUndefined();
  });

  it("NSEC3PARAM", () => {
    const p = parseNsec3Param(record("example. NSEC3PARAM 1 0 12 aabbccdd").rdata)!;
    expect(p).toMatchObject({ hashAlgorithm: 1, flags: 0, iterations: 12 });
    expect(hex(p.salt)).toBe("aabbccdd");
    expect(parseNsec3Param(Uint8Array.of(1, 0, 0, 12, 4, 0xaa))).toBeUndefined();
    expect(parseNsec3Param(Uint8Array.of(1, 0, 0, 12, 0, 0xaa))).toBeUndefined();
  });
});
