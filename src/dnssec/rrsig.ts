/**
 * RRset signature validation (RFC 4035 §5.3): checks every RRSIG that covers
 * an RRset against the zone's DNSKEY RRset at a given time, and turns the
 * outcome into a verdict with the reason an operator needs.
 *
 * - Any one valid RRSIG makes the RRset secure (RFC 4035 §5.3.3).
 * - When none is valid the verdict is bogus, with the most telling reason
 *   among the RRSIGs: a time window problem first, then a signature that
 *   does not verify, then key problems, then RRSIG fields that do not fit.
 * - When every RRSIG uses an algorithm this validator does not implement and
 *   the DNSKEY RRset offers no zone key it could use either, the RRset is
 *   insecure (RFC 4035 §5.2, RFC 6840 §5.2, RFC 8624 §3.1). If the zone does
 *   have usable keys, a signature only with an unsupported algorithm is no
 *   excuse: bogus.
 *
 * Limitations: a signature outside its validity window is reported as such
 * without checking it cryptographically.
 */
import { canonicalRrset, type CanonicalRrSet } from "../dns/canonical.js";
import { ancestor, isSubdomain, nameEquals, nameToText, type Name } from "../dns/name.js";
import { RrType, typeToText, type Rr, type RrSet } from "../dns/rr.js";
import { equalBytes } from "../dns/wire.js";
import { algorithmName, isSupportedAlgorithm, verifySignature } from "./algorithms.js";
import { keyTag } from "./keytag.js";
import { parseDnskey, parseRrsig, type Dnskey, type Rrsig } from "./rdata.js";
import { checkSignatureWindow, isoTime } from "./serial-time.js";
import { buildSignedData, ownerLabelCount, signedOwner } from "./signed-data.js";
import { bogus, insecure, reason, type Reason, type ReasonKind, type Verdict } from "./verdict.js";

export interface VerifyOptions {
  /** The zone whose DNSKEY RRset is given: every RRSIG's signer must be this name. */
  zone: Name;
  /** Seconds since the epoch. */
  now: number;
  /** Clock difference tolerated on both ends of the validity window; default 0. */
  skewSeconds?: number;
}

/** What a wildcard-expanded answer implies (RFC 4035 §5.3.4, RFC 5155 §8.8). */
export interface WildcardExpansion {
  /** The closest encloser: the rightmost RRSIG-labels labels of the owner. */
  closestEncloser: Name;
  /** "*." + the closest encloser, the wildcard the RRset was synthesized from (RFC 4592 §3.3.1). */
  sourceOfSynthesis: Name;
  /** The closest encloser plus one more label of the owner: its non-existence must be proven. */
  nextCloser: Name;
}

/** The signature that made an RRset secure. */
export interface SignatureUsed {
  rrsig: Rr;
  dnskey: Rr;
  keyTag: number;
  algorithm: number;
  signer: Name;
  labels: number;
  /** Absolute seconds since the epoch. */
  inception: number;
  expiration: number;
}

/** The result of checking one RRSIG, in the order the RRSIGs were given. */
export type RrsigCheck = { ok: true; expiration: number } | { ok: false; reason: Reason };

export interface RrsetVerdict extends Verdict {
  /** Secure only: the valid signature with the most labels (the least expansion). */
  signature?: SignatureUsed;
  /** Secure only, when the RRset was synthesized from a wildcard. */
  wildcard?: WildcardExpansion;
  /** Secure only: the earliest expiration among the valid signatures, absolute seconds. */
  expiration?: number;
  checks: RrsigCheck[];
}

interface KeyEntry {
  rr: Rr;
  key: Dnskey;
  tag: number;
}

const parsedKeys = new WeakMap<Uint8Array, { key: Dnskey; tag: number } | null>();

function keyEntry(rr: Rr): KeyEntry | undefined {
  let parsed = parsedKeys.get(rr.rdata);
  if (parsed === undefined) {
    const key = parseDnskey(rr.rdata);
    parsed = key ? { key, tag: keyTag(rr.rdata) } : null;
    parsedKeys.set(rr.rdata, parsed);
  }
  return parsed ? { rr, ...parsed } : undefined;
}

/** How telling a failure is, to pick the one reported when no RRSIG is valid. */
const RANK: Partial<Record<ReasonKind, number>> = {
  "signature-expired": 7,
  "signature-not-yet-valid": 7,
  "signature-window-inverted": 7,
  "signature-invalid": 6,
  "key-revoked": 5,
  "key-not-zone-key": 4,
  "no-matching-dnskey": 3,
  "labels-mismatch": 2,
  "signer-not-zone": 2,
  "type-covered-mismatch": 2,
  malformed: 1,
  "unsupported-algorithm": 0,
};

interface Context {
  rrset: RrSet;
  canonical: CanonicalRrSet;
  keys: KeyEntry[];
  opts: VerifyOptions;
}

type Outcome = { ok: true; used: SignatureUsed } | { ok: false; reason: Reason };

/** Where a failure is: the RRset's owner and type in presentation format. */
function at(rrset: RrSet): { owner: string; type: string } {
  return { owner: nameToText(rrset.owner), type: typeToText(rrset.type) };
}

/**
 * The reason one RRSIG failed, with its details. Text is only made here, on
 * failure, so that the common path allocates no strings.
 */
function failure(
  ctx: Context,
  sig: Rrsig,
  window: { inception: number; expiration: number },
  kind: ReasonKind,
  says: string,
): { ok: false; reason: Reason } {
  const { owner, type } = at(ctx.rrset);
  const what = `RRSIG ${type} ${owner} (key tag ${sig.keyTag}, ${algorithmName(sig.algorithm)})`;
  return {
    ok: false,
    reason: reason(kind, `${what} ${says}`, {
      owner,
      type,
      keyTag: sig.keyTag,
      algorithm: sig.algorithm,
      inception: window.inception,
      expiration: window.expiration,
    }),
  };
}

function checkOne(ctx: Context, rr: Rr): Outcome {
  const { rrset, opts } = ctx;
  const sig = parseRrsig(rr.rdata);
  if (!sig) {
    const where = at(rrset);
    const message = `malformed RRSIG RDATA for ${where.owner} ${where.type}`;
    return { ok: false, reason: reason("malformed", message, where) };
  }
  const window = checkSignatureWindow(sig.inception, sig.expiration, opts.now, opts.skewSeconds);
  const fail = (kind: ReasonKind, says: string) => failure(ctx, sig, window, kind, says);

  // RFC 4035 §5.3.1: the Type Covered field equals the RRset's type.
  if (sig.typeCovered !== rrset.type) {
    return fail("type-covered-mismatch", `covers ${typeToText(sig.typeCovered)}`);
  }
  // RFC 4035 §5.3.1: the signer is the zone that holds the RRset.
  if (!nameEquals(sig.signer, opts.zone) || !isSubdomain(rrset.owner, sig.signer)) {
    const zone = nameToText(opts.zone);
    return fail("signer-not-zone", `has signer ${nameToText(sig.signer)}, zone is ${zone}`);
  }
  // RFC 4035 §5.3.1, RFC 4034 §3.1.3: Labels is at most the owner's label count.
  const ownerLabels = ownerLabelCount(rrset.owner);
  if (sig.labels > ownerLabels) {
    return fail("labels-mismatch", `has labels ${sig.labels}, the owner has ${ownerLabels}`);
  }
  // RFC 6840 §5.2: an algorithm we cannot validate is not a failure of the zone.
  if (!isSupportedAlgorithm(sig.algorithm)) {
    return fail("unsupported-algorithm", "uses an algorithm that is not supported");
  }
  // RFC 4035 §5.3.1: inception <= now <= expiration (RFC 1982 comparison).
  switch (window.status) {
    case "inverted": {
      const [exp, inc] = [isoTime(window.expiration), isoTime(window.inception)];
      return fail("signature-window-inverted", `expires (${exp}) before its inception (${inc})`);
    }
    case "expired":
      return fail("signature-expired", `expired at ${isoTime(window.expiration)}`);
    case "not-yet-valid":
      return fail("signature-not-yet-valid", `is valid from ${isoTime(window.inception)}`);
    case "valid":
      break;
  }

  // RFC 4035 §5.3.1: a DNSKEY at the signer's name with the same algorithm
  // and key tag; with colliding key tags every candidate is tried.
  let worst: { ok: false; reason: Reason } | undefined;
  const keep = (kind: ReasonKind, says: string): void => {
    if (!worst || RANK[kind]! > RANK[worst.reason.kind]!) worst = fail(kind, says);
  };
  let data: Uint8Array | undefined;
  let candidates = 0;
  for (const k of ctx.keys) {
    if (k.tag !== sig.keyTag || k.key.algorithm !== sig.algorithm) continue;
    if (k.rr.class !== rrset.class || !nameEquals(k.rr.owner, sig.signer)) continue;
    candidates++;
    // RFC 4034 §2.1.1-2: only a zone key with protocol 3 may validate an RRSIG.
    if (!k.key.isZoneKey || k.key.protocol !== 3) {
      keep("key-not-zone-key", "points to a DNSKEY that is not a zone key");
      continue;
    }
    // RFC 5011 §2.1: a revoked key signs only the DNSKEY RRset that holds it.
    if (k.key.isRevoked && !signsItself(rrset, k.rr)) {
      keep("key-revoked", "points to a DNSKEY with the REVOKE bit set");
      continue;
    }
    data ??= buildSignedData(sig, ctx.canonical);
    const result = verifySignature(sig.algorithm, k.key.publicKey, data, sig.signature);
    if (result.ok) {
      return {
        ok: true,
        used: {
          rrsig: rr,
          dnskey: k.rr,
          keyTag: sig.keyTag,
          algorithm: sig.algorithm,
          signer: sig.signer,
          labels: sig.labels,
          inception: window.inception,
          expiration: window.expiration,
        },
      };
    }
    keep("signature-invalid", `does not verify: ${result.detail}`);
  }
  if (candidates === 0) return fail("no-matching-dnskey", "matches no DNSKEY tag and algorithm");
  return worst!;
}

/** True when `rrset` is the DNSKEY RRset that holds the key `dnskey`. */
function signsItself(rrset: RrSet, dnskey: Rr): boolean {
  return (
    rrset.type === RrType.DNSKEY &&
    nameEquals(rrset.owner, dnskey.owner) &&
    rrset.rdatas.some((r) => equalBytes(r, dnskey.rdata))
  );
}

function wildcardOfExpansion(owner: Name, labels: number): WildcardExpansion | undefined {
  if (labels >= ownerLabelCount(owner)) return undefined;
  return {
    closestEncloser: ancestor(owner, labels),
    sourceOfSynthesis: signedOwner(owner, labels),
    nextCloser: ancestor(owner, labels + 1),
  };
}

/** True when the DNSKEY RRset holds a zone key this validator could use. */
function hasUsableKey(keys: KeyEntry[], zone: Name): boolean {
  return keys.some(
    (k) =>
      k.key.isZoneKey &&
      k.key.protocol === 3 &&
      !k.key.isRevoked &&
      isSupportedAlgorithm(k.key.algorithm) &&
      nameEquals(k.rr.owner, zone),
  );
}

/**
 * Validates `rrset` with the RRSIGs that cover it against the DNSKEY RRset
 * of `opts.zone` (RFC 4035 §5.3). Throws on misuse: an empty RRset, or an
 * RRSIG whose owner or class is not the RRset's.
 */
export function verifyRrset(
  rrset: RrSet,
  rrsigs: readonly Rr[],
  dnskeys: readonly Rr[],
  opts: VerifyOptions,
): RrsetVerdict {
  if (rrset.rdatas.length === 0) throw new RangeError("an RRset has at least one record");
  for (const rr of rrsigs) {
    if (
      rr.type !== RrType.RRSIG ||
      rr.class !== rrset.class ||
      !nameEquals(rr.owner, rrset.owner)
    ) {
      throw new RangeError("every RRSIG passed must share the RRset's owner and class");
    }
  }
  if (rrsigs.length === 0) {
    const where = at(rrset);
    const v = bogus("rrsigs-missing", `no RRSIG covers ${where.owner} ${where.type}`, where);
    return { ...v, checks: [] };
  }
  const canonical = canonicalRrset(rrset);
  if (!canonical) {
    const where = at(rrset);
    const v = bogus("malformed", `malformed RDATA in ${where.owner} ${where.type}`, where);
    return { ...v, checks: [] };
  }
  const keys = dnskeys.flatMap((rr) => {
    const k = rr.type === RrType.DNSKEY ? keyEntry(rr) : undefined;
    return k ? [k] : [];
  });
  const ctx: Context = { rrset, canonical, keys, opts };

  const checks: RrsigCheck[] = [];
  let best: SignatureUsed | undefined;
  let earliest = Infinity;
  let telling: Reason | undefined;
  for (const rr of rrsigs) {
    const outcome = checkOne(ctx, rr);
    if (outcome.ok) {
      checks.push({ ok: true, expiration: outcome.used.expiration });
      earliest = Math.min(earliest, outcome.used.expiration);
      if (!best || outcome.used.labels > best.labels) best = outcome.used;
    } else {
      checks.push({ ok: false, reason: outcome.reason });
      if (!telling || RANK[outcome.reason.kind]! > RANK[telling.kind]!) telling = outcome.reason;
    }
  }
  if (best) {
    const wildcard = wildcardOfExpansion(rrset.owner, best.labels);
    return {
      security: "secure",
      signature: best,
      expiration: earliest,
      checks,
      ...(wildcard && { wildcard }),
    };
  }
  const r = telling!;
  if (r.kind === "unsupported-algorithm" && !hasUsableKey(keys, opts.zone)) {
    const { kind, message, ede: _ede, ...details } = r;
    return { ...insecure(kind, message, details), checks };
  }
  return { security: "bogus", reason: r, checks };
}
