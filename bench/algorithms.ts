/**
 * Signature verifications per second per DNSSEC algorithm, through the
 * validator's own adapter (src/dnssec/algorithms.ts verifySignature), beside
 * `openssl speed` for the same primitives in the same run.
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { verifySignature } from "../src/dnssec/algorithms.js";

export interface AlgorithmCase {
  name: string;
  number: number;
  /** The column of `openssl speed` that measures the same primitive. */
  openssl: string;
  make(): { publicKey: KeyObject; privateKey: KeyObject };
  hash: string | null;
  ieee?: boolean;
}

const rsa = (bits: number) => () =>
  generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: 65537 });

export const CASES: AlgorithmCase[] = [
  {
    name: "RSASHA256 (8), 2048 bits",
    number: 8,
    openssl: "rsa 2048",
    make: rsa(2048),
    hash: "sha256",
  },
  {
    name: "RSASHA512 (10), 2048 bits",
    number: 10,
    openssl: "rsa 2048",
    make: rsa(2048),
    hash: "sha512",
  },
  {
    name: "ECDSAP256SHA256 (13)",
    number: 13,
    openssl: "ecdsa (nistp256)",
    make: () => generateKeyPairSync("ec", { namedCurve: "P-256" }),
    hash: "sha256",
    ieee: true,
  },
  {
    name: "ECDSAP384SHA384 (14)",
    number: 14,
    openssl: "ecdsa (nistp384)",
    make: () => generateKeyPairSync("ec", { namedCurve: "P-384" }),
    hash: "sha384",
    ieee: true,
  },
  {
    name: "ED25519 (15)",
    number: 15,
    openssl: "EdDSA (Ed25519)",
    make: () => generateKeyPairSync("ed25519"),
    hash: null,
  },
  {
    name: "ED448 (16)",
    number: 16,
    openssl: "EdDSA (Ed448)",
    make: () => generateKeyPairSync("ed448"),
    hash: null,
  },
];

const b64 = (s: string): Buffer => Buffer.from(s, "base64url");

/** The DNSKEY public key field for a key: RFC 3110 for RSA, x || y for ECDSA (RFC 6605), raw for EdDSA (RFC 8080). */
function dnskeyPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: "jwk" });
  if (jwk.kty === "RSA") {
    const e = b64(jwk.e!);
    const n = b64(jwk.n!);
    return Buffer.concat([Uint8Array.of(e.length), e, n]);
  }
  if (jwk.kty === "EC") return Buffer.concat([b64(jwk.x!), b64(jwk.y!)]);
  return b64(jwk.x!);
}

/**
 * Verifications per second of one algorithm: the best of three counts over
 * a third of `seconds` each (the best is the one least disturbed by other
 * load on the machine).
 */
export function measure(c: AlgorithmCase, seconds: number): number {
  const { publicKey, privateKey } = c.make();
  const data = randomBytes(256); // about one RRset's signed data
  const signature = sign(
    c.hash,
    data,
    c.ieee ? { key: privateKey, dsaEncoding: "ieee-p1363" } : privateKey,
  );
  const key = dnskeyPublicKey(publicKey);
  const check = verifySignature(c.number, key, data, signature);
  if (!check.ok)
    throw new Error(
      `${c.name}: the signature made for the benchmark does not verify: ${check.detail}`,
    );
  for (let i = 0; i < 200; i++) verifySignature(c.number, key, data, signature); // warm up
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const limit = BigInt(Math.round((seconds / 3) * 1e9));
    let elapsed = 0n;
    while (elapsed < limit) {
      for (let i = 0; i < 100; i++) verifySignature(c.number, key, data, signature);
      n += 100;
      elapsed = process.hrtime.bigint() - start;
    }
    best = Math.max(best, n / (Number(elapsed) / 1e9));
  }
  return best;
}

/** `openssl speed` verify/s by row name, or undefined when openssl is missing. */
export function opensslSpeed(): Map<string, number> | undefined {
  const run = spawnSync(
    "openssl",
    ["speed", "-seconds", "1", "rsa2048", "ecdsap256", "ecdsap384", "ed25519", "ed448"],
    {
      encoding: "utf8",
    },
  );
  if (run.status !== 0) return undefined;
  const rows = new Map<string, number>();
  // Rows end with "sign/s verify/s": e.g. "rsa 2048 bits 0.000278s 0.000016s 3600.0 63939.0".
  for (const m of run.stdout.matchAll(
    /^\s*(?:(rsa \d+) bits|\d+ bits (ecdsa \(\w+\)|EdDSA \(\w+\)))\s.*\s([\d.]+)\s*$/gm,
  )) {
    rows.set((m[1] ?? m[2])!, Number(m[3]));
  }
  return rows;
}
