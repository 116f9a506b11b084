/**
 * The algorithm table against the IANA registry, key import from the DNSKEY
 * wire formats, and an independent check of the ECDSA P-256 and Ed25519
 * vectors with @noble/curves.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { p256 } from "@noble/curves/nist.js";
import { describe, expect, it } from "vitest";
import { canonicalRrset, groupRrsets } from "../../src/dns/canonical.js";
import type { Rr } from "../../src/dns/rr.js";
import {
  ALGORITHMS,
  algorithmName,
  algorithmNumber,
  isSupportedAlgorithm,
  verifySignature,
} from "../../src/dnssec/algorithms.js";
import { parseDnskey, parseRrsig } from "../../src/dnssec/rdata.js";
import { buildSignedData } from "../../src/dnssec/signed-data.js";
import { parseEntries } from "../support/rpl.js";
import { fixture, record, records, vectorCases } from "./signatures-support.js";

// IANA "DNS Security Algorithm Numbers" (numbers and mnemonics as registered).
const IANA: [number, string][] = [
  [0, "DELETE"],
  [1, "RSAMD5"],
  [2, "DH"],
  [3, "DSA"],
  [5, "RSASHA1"],
  [6, "DSA-NSEC3-SHA1"],
  [7, "RSASHA1-NSEC3-SHA1"],
  [8, "RSASHA256"],
  [10, "RSASHA512"],
  [12, "ECC-GOST"],
  [13, "ECDSAP256SHA256"],
  [14, "ECDSAP384SHA384"],
  [15, "ED25519"],
  [16, "ED448"],
  [17, "SM2SM3"],
  [23, "ECC-GOST12"],
  [252, "INDIRECT"],
  [253, "PRIVATEDNS"],
  [254, "PRIVATEOID"],
];

describe("IANA DNS Security Algorithm Numbers", () => {
  it("the table holds exactly the registered numbers and mnemonics", () => {
    expect(ALGORITHMS.map((a) => [a.number, a.mnemonic])).toEqual(IANA);
  });

  it("RFC 8624 §3.1: exactly the MUST and RECOMMENDED validation algorithms are supported", () => {
    const supported = [...Array(256).keys()].filter(isSupportedAlgorithm);
    expect(supported).toEqual([5, 7, 8, 10, 13, 14, 15, 16]);
  });

  it("names and numbers convert both ways; unknown numbers print as numbers", () => {
    expect(algorithmNumber("ecdsap256sha256")).toBe(13);
    expect(algorithmName(8)).toBe("RSASHA256");
    expect(algorithmName(100)).toBe("100");
    expect(() => algorithmNumber("NOPE")).toThrow(RangeError);
  });
});

/** The signed data of the one RRset in `data`, its first RRSIG and the first key of its algorithm. */
function signedDataOf(keys: Rr[], data: Rr[]) {
  const { rrset, rrsigs } = groupRrsets(data)[0]!;
  const sig = parseRrsig(rrsigs[0]!.rdata)!;
  const key = keys.map((k) => parseDnskey(k.rdata)!).find((k) => k.algorithm === sig.algorithm)!;
  return { data: buildSignedData(sig, canonicalRrset(rrset!)!), sig, key };
}

/** Every vector signed with `alg`, as signed data, signature and public key. */
function vectorsFor(alg: number) {
  const out: { name: string; data: Uint8Array; signature: Uint8Array; publicKey: Uint8Array }[] =
    [];
  for (const c of vectorCases(fixture("vectors/dnspython_test_dnssec.vectors.txt"))) {
    if (!c.name.endsWith("-good") || !c.sections.has("rrsig")) continue;
    if (c.comments.some((l) => l.includes("origin"))) continue;
    const keys = records(c.sections.get("keys")!.join("\n"));
    const data = records([...c.sections.get("rrset")!, ...c.sections.get("rrsig")!].join("\n"));
    const s = signedDataOf(keys, data);
    if (s.sig.algorithm !== alg) continue;
    const key = keys
      .map((k) => parseDnskey(k.rdata)!)
      .find((k) => {
        return verifySignature(alg, k.publicKey, s.data, s.sig.signature).ok;
      });
    out.push({
      name: `dnspython ${c.name}`,
      data: s.data,
      signature: s.sig.signature,
      publicKey: key!.publicKey,
    });
  }
  for (const c of vectorCases(fixture("vectors/miekg_dns_dnssec_test.vectors.txt"))) {
    const keys = [record(c.fields.get("dnskey")!)];
    const s = signedDataOf(keys, [record(c.fields.get("rrset")!), record(c.fields.get("rrsig")!)]);
    if (s.sig.algorithm !== alg) continue;
    out.push({
      name: `miekg ${c.name}`,
      data: s.data,
      signature: s.sig.signature,
      publicKey: s.key.publicKey,
    });
  }
  const file = alg === 13 ? "test_sigs.ecdsa_p256" : alg === 15 ? "test_sigs.ed25519" : undefined;
  if (file) {
    const [keyEntry, ...entries] = parseEntries(fixture(`unbound-unit/${file}`));
    const keys = records(keyEntry!.answer.map((l) => l.text).join("\n"));
    for (const e of entries) {
      const s = signedDataOf(keys, records(e.answer.map((l) => l.text).join("\n")));
      out.push({
        name: `unbound ${file}`,
        data: s.data,
        signature: s.sig.signature,
        publicKey: s.key.publicKey,
      });
    }
  }
  return out;
}

describe("RFC 6605 §4: ECDSA P-256, checked again with @noble/curves", () => {
  const vectors = vectorsFor(13);
  it("there are vectors from three sources", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(3);
  });
  it.each(vectors.map((v) => [v.name, v] as const))("%s verifies here and with noble", (_n, v) => {
    expect(verifySignature(13, v.publicKey, v.data, v.signature)).toEqual({ ok: true });
    const sec1 = Uint8Array.from([4, ...v.publicKey]);
    expect(p256.verify(v.signature, v.data, sec1, { lowS: false })).toBe(true);
  });

  it("a high-S signature (s replaced by n - s) verifies: DNSSEC has no low-S rule", () => {
    const v = vectors[0]!;
    const n = p256.Point.CURVE().n;
    const s = BigInt(`0x${Buffer.from(v.signature.subarray(32)).toString("hex")}`);
    const flipped = Uint8Array.from([
      ...v.signature.subarray(0, 32),
      ...Buffer.from((n - s).toString(16).padStart(64, "0"), "hex"),
    ]);
    const sec1 = Uint8Array.from([4, ...v.publicKey]);
    expect(p256.verify(flipped, v.data, sec1, { lowS: false })).toBe(true);
    expect(verifySignature(13, v.publicKey, v.data, flipped)).toEqual({ ok: true });
  });
});

describe("RFC 8080 §4: Ed25519, checked again with @noble/curves", () => {
  const vectors = vectorsFor(15);
  it("there are vectors from three sources", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(4);
  });
  it.each(vectors.map((v) => [v.name, v] as const))("%s verifies here and with noble", (_n, v) => {
    expect(verifySignature(15, v.publicKey, v.data, v.signature)).toEqual({ ok: true });
    expect(ed25519.verify(v.signature, v.data, v.publicKey)).toBe(true);
  });
});

describe("RFC 3110 §2: RSA public keys", () => {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 1024,
    publicExponent: 65537,
  });
  const jwk = publicKey.export({ format: "jwk" });
  const e = Buffer.from(jwk.e!, "base64url");
  const n = Buffer.from(jwk.n!, "base64url");
  const data = Buffer.from("signed data");
  const signature = sign("sha256", data, privateKey);

  it("reads an exponent whose length fits one octet", () => {
    const key = Uint8Array.from([e.length, ...e, ...n]);
    expect(verifySignature(8, key, data, signature)).toEqual({ ok: true });
  });

  it("reads an exponent length written as 0 and two octets", () => {
    const key = Uint8Array.from([0, 0, e.length, ...e, ...n]);
    expect(verifySignature(8, key, data, signature)).toEqual({ ok: true });
  });

  it("the hash is part of the algorithm: the same signature fails as RSASHA512", () => {
    const key = Uint8Array.from([e.length, ...e, ...n]);
    expect(verifySignature(10, key, data, signature)).toMatchObject({
      ok: false,
      cause: "bad-signature",
    });
  });
});

describe("malformed keys and signatures are failures with a cause, never exceptions", () => {
  const data = Uint8Array.of(1, 2, 3);
  it.each([
    ["an empty RSA key", 8, new Uint8Array(0)],
    ["an RSA exponent running past the key", 8, Uint8Array.of(200, 1, 2, 3)],
    ["an RSA key with no modulus", 8, Uint8Array.of(1, 3)],
    [
      "an RSA modulus above 4096 bits",
      8,
      Uint8Array.from([1, 3, ...new Array<number>(513).fill(0xff)]),
    ],
    ["a P-256 key of 63 octets", 13, new Uint8Array(63)],
    ["a P-256 point not on the curve", 13, new Uint8Array(64).fill(7)],
    ["a P-384 key of 64 octets", 14, new Uint8Array(64)],
    ["an Ed25519 key of 31 octets", 15, new Uint8Array(31)],
    ["an Ed448 key of 32 octets", 16, new Uint8Array(32)],
  ])("%s", (_what, alg, key) => {
    expect(verifySignature(alg, key, data, new Uint8Array(64))).toMatchObject({
      ok: false,
      cause: "malformed-key",
    });
  });

  it.each([
    [13, 63],
    [14, 95],
    [15, 63],
    [16, 113],
  ])("algorithm %i with a signature of %i octets", (alg, length) => {
    const v = vectorsFor(13)[0]!;
    const keys: Record<number, Uint8Array> = {
      13: v.publicKey,
      14: parseDnskey(
        record(
          vectorCases(fixture("vectors/miekg_dns_dnssec_test.vectors.txt"))[1]!.fields.get(
            "dnskey",
          )!,
        ).rdata,
      )!.publicKey,
      15: vectorsFor(15)[0]!.publicKey,
      16: parseDnskey(
        record(
          "example.com. DNSKEY 257 3 16 3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx1FYYUcJKm1MDpJtIA",
        ).rdata,
      )!.publicKey,
    };
    expect(verifySignature(alg, keys[alg]!, data, new Uint8Array(length))).toMatchObject({
      ok: false,
      cause: "malformed-signature",
    });
  });

  it("an RSA signature of the wrong length fails without an exception", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const jwk = publicKey.export({ format: "jwk" });
    const e = Buffer.from(jwk.e!, "base64url");
    const key = Uint8Array.from([e.length, ...e, ...Buffer.from(jwk.n!, "base64url")]);
    const r = verifySignature(8, key, data, new Uint8Array(5));
    expect(r.ok).toBe(false);
  });

  it.each([1, 3, 6, 12, 100, 253])("algorithm %i is unsupported", (alg) => {
    expect(verifySignature(alg, new Uint8Array(64), data, new Uint8Array(64))).toMatchObject({
      ok: false,
      cause: "unsupported-algorithm",
    });
  });
});
