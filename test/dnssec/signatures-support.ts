/**
 * Helpers shared by the signature tests: fixture loading, records in
 * presentation format (read with the project's zone-file reader), the
 * shared-data vector file layout, and generated keys and signatures for
 * property tests.
 */
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { canonicalRrset, groupRrsets } from "../../src/dns/canonical.js";
import { labelCount, type Name } from "../../src/dns/name.js";
import { RrClass, RrType, type Rr } from "../../src/dns/rr.js";
import { keyTag } from "../../src/dnssec/keytag.js";
import { parseRrsig } from "../../src/dnssec/rdata.js";
import { buildSignedData } from "../../src/dnssec/signed-data.js";
import { parseZone } from "../../src/dns/zonefile.js";

export function fixture(path: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url)), "utf8");
}

/** Reads records in presentation format (src/dns/zonefile.ts); a missing TTL is 3600. */
export function records(text: string, origin?: Name): Rr[] {
  const res = parseZone(text, { ...(origin && { origin }), defaultTtl: 3600 });
  if (!res.ok) throw new Error(`line ${res.error.line}: ${res.error.message}`);
  return res.records;
}

export function record(line: string, origin?: Name): Rr {
  const all = records(line, origin);
  if (all.length !== 1) throw new Error(`expected one record in "${line}"`);
  return all[0]!;
}

/** Seconds since the epoch of a YYYYMMDDHHmmSS time (UTC). */
export function timeOf(text: string): number {
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(text);
  if (!m) throw new Error(`bad time ${text}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

/** One CASE of a shared-data vectors file (test/fixtures/vectors/*.vectors.txt). */
export interface VectorCase {
  name: string;
  /** Text after the name on the CASE line. */
  tail: string;
  /** `key: value` lines; an indented line right after one continues its value. */
  fields: Map<string, string>;
  /** `key:` lines with nothing after the colon, then their indented lines. */
  sections: Map<string, string[]>;
  /** Unindented lines that are neither comments nor `key:` lines. */
  lines: string[];
  comments: string[];
}

export function vectorCases(text: string): VectorCase[] {
  const cases: VectorCase[] = [];
  let current: VectorCase | undefined;
  let section: string[] | undefined;
  let lastField: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === "") continue;
    const caseLine = /^CASE\s+(\S+)\s*(.*)$/.exec(raw);
    if (caseLine) {
      current = {
        name: caseLine[1]!,
        tail: caseLine[2]!,
        fields: new Map(),
        sections: new Map(),
        lines: [],
        comments: [],
      };
      cases.push(current);
      section = undefined;
      lastField = undefined;
      continue;
    }
    if (!current) continue;
    if (raw.startsWith("#")) {
      current.comments.push(raw.slice(1).trim());
      continue;
    }
    if (/^\s/.test(raw)) {
      if (section) section.push(raw.trim());
      else if (lastField)
        current.fields.set(lastField, `${current.fields.get(lastField)} ${raw.trim()}`);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9 /()_-]*?):\s*(.*)$/.exec(raw);
    if (kv && kv[2] === "") {
      section = [];
      current.sections.set(kv[1]!, section);
      lastField = undefined;
    } else if (kv) {
      current.fields.set(kv[1]!, kv[2]!);
      section = undefined;
      lastField = kv[1]!;
    } else {
      current.lines.push(raw);
      section = undefined;
      lastField = undefined;
    }
  }
  return cases;
}

/** A freshly generated zone key with its private half, for property tests. */
export interface TestKey {
  rr: Rr;
  privateKey: KeyObject;
  algorithm: number;
  tag: number;
}

/** Generates a key of algorithm 8 (RSA 1024), 13 (P-256) or 15 (Ed25519) as a DNSKEY at `owner`. */
export function makeKey(algorithm: 8 | 13 | 15, owner: Name, flags = 257, protocol = 3): TestKey {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  let publicKey: Uint8Array;
  if (algorithm === 15) {
    pair = generateKeyPairSync("ed25519");
    publicKey = Buffer.from(pair.publicKey.export({ format: "jwk" }).x!, "base64url");
  } else if (algorithm === 13) {
    pair = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = pair.publicKey.export({ format: "jwk" });
    publicKey = Buffer.concat([Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  } else {
    pair = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const jwk = pair.publicKey.export({ format: "jwk" });
    const e = Buffer.from(jwk.e!, "base64url");
    publicKey = Buffer.concat([Uint8Array.of(e.length), e, Buffer.from(jwk.n!, "base64url")]);
  }
  const rdata = Uint8Array.from([flags >> 8, flags & 0xff, protocol, algorithm, ...publicKey]);
  const rr: Rr = { owner, type: RrType.DNSKEY, class: RrClass.IN, ttl: 3600, rdata };
  return { rr, privateKey: pair.privateKey, algorithm, tag: keyTag(rdata) };
}

export interface SignOptions {
  inception: number;
  expiration: number;
  signer: Name;
  labels?: number;
  originalTtl?: number;
  keyTag?: number;
}

/**
 * An RRSIG over the RRset of `rrs` (RFC 4034 §3.1.8.1), signed with node:crypto
 * over the data src/dnssec/signed-data.ts builds (itself checked against the
 * published vectors).
 */
export function signRrset(rrs: Rr[], key: TestKey, opts: SignOptions): Rr {
  const { rrset } = groupRrsets(rrs)[0]!;
  const fixed = Buffer.alloc(18);
  fixed.writeUInt16BE(rrset!.type, 0);
  fixed[2] = key.algorithm;
  fixed[3] = opts.labels ?? labelCount(rrset!.owner);
  fixed.writeUInt32BE(opts.originalTtl ?? rrset!.ttl, 4);
  fixed.writeUInt32BE(opts.expiration % 2 ** 32, 8);
  fixed.writeUInt32BE(opts.inception % 2 ** 32, 12);
  fixed.writeUInt16BE(opts.keyTag ?? key.tag, 16);
  const unsigned = Buffer.concat([fixed, opts.signer]);
  const data = buildSignedData(
    parseRrsig(Buffer.concat([unsigned, Uint8Array.of(0)]))!,
    canonicalRrset(rrset!)!,
  );
  const hash = key.algorithm === 15 ? null : "sha256";
  const signature = sign(hash, data, { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  const rdata = new Uint8Array(Buffer.concat([unsigned, signature]));
  return { owner: rrset!.owner, type: RrType.RRSIG, class: rrset!.class, ttl: rrset!.ttl, rdata };
}
