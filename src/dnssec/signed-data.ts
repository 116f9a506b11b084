/**
 * The data an RRSIG signs (RFC 4034 §3.1.8.1, RFC 4035 §5.3.2), built in one
 * buffer sized up front.
 */
import type { CanonicalRrSet } from "../dns/canonical.js";
import { ancestor, isWildcard, labelCount, wildcardOf, type Name } from "../dns/name.js";
import type { Rrsig } from "./rdata.js";

/**
 * Labels of an owner name as RFC 4034 §3.1.3 counts them: the root and a
 * leading "*" label do not count.
 */
export function ownerLabelCount(owner: Name): number {
  return labelCount(owner) - (isWildcard(owner) ? 1 : 0);
}

/**
 * The owner name as it was signed (RFC 4035 §5.3.2): the owner itself, or,
 * when the RRSIG Labels field is smaller than the owner's label count (the
 * RRset was synthesized from a wildcard), "*." followed by the rightmost
 * `labels` labels of the owner. Throws when Labels exceeds the owner's count,
 * which the caller must have rejected (RFC 4035 §5.3.1).
 */
export function signedOwner(owner: Name, labels: number): Name {
  const count = ownerLabelCount(owner);
  if (labels > count) throw new RangeError(`RRSIG labels ${labels} > owner labels ${count}`);
  return labels < count ? wildcardOf(ancestor(owner, labels)) : owner;
}

/**
 * signature = sign(RRSIG_RDATA | RR(1) | RR(2) | ...), RFC 4034 §3.1.8.1.
 *
 * `rrset` must already be in canonical form (lowercased owner, canonical
 * RDATA sorted without duplicates: canonical.ts `canonicalRrset`).
 */
export function buildSignedData(rrsig: Rrsig, rrset: CanonicalRrSet): Uint8Array {
  // Step 1: the owner every record is written with (lowercase already,
  // possibly the wildcard it was expanded from).
  const owner = signedOwner(rrset.owner, rrsig.labels);

  // Step 2: size everything first: the RRSIG RDATA without its signature,
  // then per record owner, type, class, TTL (2 + 2 + 4), RDLENGTH (2), RDATA.
  const head = rrsig.signedFields.length;
  let size = head;
  for (const rdata of rrset.rdatas) size += owner.length + 10 + rdata.length;
  const out = Buffer.allocUnsafe(size);

  // Step 3: RRSIG_RDATA is the wire RDATA up to and including the signer's
  // name, with the signer's name in canonical (lowercase) form.
  out.set(rrsig.signedFields, 0);
  const signerStart = head - rrsig.signer.length;
  for (let i = signerStart; i < head;) {
    const len = out[i]!;
    for (let j = i + 1; j <= i + len; j++) {
      const b = out[j]!;
      if (b >= 0x41 && b <= 0x5a) out[j] = b + 0x20;
    }
    i += 1 + len;
  }

  // Step 4: each RR = owner | type | class | Original TTL from the RRSIG
  // (RFC 4035 §5.3.2: not the TTL received) | RDATA length | canonical RDATA,
  // in canonical order.
  let at = head;
  for (const rdata of rrset.rdatas) {
    out.set(owner, at);
    at += owner.length;
    out.writeUInt16BE(rrset.type, at);
    out.writeUInt16BE(rrset.class, at + 2);
    out.writeUInt32BE(rrsig.originalTtl >>> 0, at + 4);
    out.writeUInt16BE(rdata.length, at + 8);
    at += 10;
    out.set(rdata, at);
    at += rdata.length;
  }
  return out;
}
