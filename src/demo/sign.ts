/**
 * A small zone signer for the demo's simulated hierarchy: one combined
 * signing key per zone (ECDSA P-256 with SHA-256, algorithm 13, RFC 6605),
 * an NSEC chain (RFC 4034 §4) and one RRSIG per authoritative RRset
 * (RFC 4035 §2.2), built over the project's own signed-data construction.
 *
 * The signature window is chosen by the caller, so "breaking" a zone is
 * signing it again with a window that ended in the past, the way a signer
 * whose refresh stopped leaves it.
 */
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { canonicalRrset, groupRrsets } from "../dns/canonical.js";
import { compareNames, isSubdomain, lowerName, nameEquals, type Name } from "../dns/name.js";
import { RrClass, RrType, type Rr } from "../dns/rr.js";
import { makeDs } from "../dnssec/ds.js";
import { keyTag } from "../dnssec/keytag.js";
import { encodeTypeBitmap, parseRrsig } from "../dnssec/rdata.js";
import { ownerLabelCount } from "../dnssec/signed-data.js";
import { buildSignedData } from "../dnssec/signed-data.js";

const ECDSAP256SHA256 = 13; // RFC 6605 §2
const DNSSEC_PROTOCOL = 3; // RFC 4034 §2.1.2
const ZONE_KEY_SEP = 257; // Zone Key and Secure Entry Point bits (RFC 4034 §2.1.1)
const SHA256_DIGEST = 2; // RFC 4509

export interface ZoneKey {
  zone: Name;
  dnskey: Rr;
  tag: number;
  privateKey: KeyObject;
}

/** A fresh ECDSA P-256 key pair and its DNSKEY record for `zone`. */
export function makeZoneKey(zone: Name, ttl = 3600): ZoneKey {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  // RFC 6605 §4: the public key is the uncompressed point without its 0x04 prefix: x | y.
  const point = Buffer.concat([Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  const rdata = new Uint8Array(4 + point.length);
  rdata[0] = ZONE_KEY_SEP >> 8;
  rdata[1] = ZONE_KEY_SEP & 0xff;
  rdata[2] = DNSSEC_PROTOCOL;
  rdata[3] = ECDSAP256SHA256;
  rdata.set(point, 4);
  const dnskey = { owner: zone, type: RrType.DNSKEY, class: RrClass.IN, ttl, rdata };
  return { zone, dnskey, tag: keyTag(rdata), privateKey };
}

/** The DS record the parent publishes for the key (SHA-256 digest). */
export function dsFor(key: ZoneKey, ttl = 3600): Rr {
  const ds = makeDs(key.zone, key.dnskey.rdata, SHA256_DIGEST);
  if (!ds.ok) throw new Error(`cannot make a DS: ${ds.detail}`);
  return { owner: key.zone, type: RrType.DS, class: RrClass.IN, ttl, rdata: ds.rdata };
}

export interface SignatureWindow {
  /** Seconds since the epoch. */
  inception: number;
  expiration: number;
}

/** True for records the zone is not authoritative for: glue and the NS RRset of a delegation. */
function belowCut(rr: Rr, zone: Name, cuts: readonly Name[]): boolean {
  return cuts.some(
    (cut) => isSubdomain(rr.owner, cut) && !(nameEquals(rr.owner, cut) && rr.type === RrType.DS),
  );
}

/** The delegation points of the zone: owners of NS RRsets other than the apex. */
export function cutsOf(zone: Name, records: readonly Rr[]): Name[] {
  const cuts: Name[] = [];
  for (const rr of records) {
    if (rr.type !== RrType.NS || nameEquals(rr.owner, zone)) continue;
    if (!cuts.some((c) => nameEquals(c, rr.owner))) cuts.push(rr.owner);
  }
  return cuts;
}

function u32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

/** One RRSIG over the RRset `rrs` (same owner and type), RFC 4034 §3.1. */
function rrsigOver(rrs: Rr[], key: ZoneKey, window: SignatureWindow): Rr {
  const first = rrs[0]!;
  const signer = lowerName(key.zone);
  const fields = new Uint8Array(18 + signer.length);
  fields[0] = first.type >> 8;
  fields[1] = first.type & 0xff;
  fields[2] = ECDSAP256SHA256;
  fields[3] = ownerLabelCount(first.owner);
  u32(fields, 4, first.ttl);
  // RFC 4034 §3.1.5: 32-bit serial-number times.
  u32(fields, 8, window.expiration >>> 0);
  u32(fields, 12, window.inception >>> 0);
  fields[16] = key.tag >> 8;
  fields[17] = key.tag & 0xff;
  fields.set(signer, 18);
  const rrsig = parseRrsig(fields);
  const canonical = canonicalRrset({
    owner: first.owner,
    type: first.type,
    class: first.class,
    ttl: first.ttl,
    rdatas: rrs.map((r) => r.rdata),
  });
  if (!rrsig || !canonical) throw new Error("cannot sign a malformed RRset");
  const data = buildSignedData(rrsig, canonical);
  // RFC 6605 §4: the signature is r | s, 32 octets each.
  const signature = sign("sha256", data, { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  const rdata = new Uint8Array(fields.length + signature.length);
  rdata.set(fields, 0);
  rdata.set(signature, fields.length);
  return { owner: first.owner, type: RrType.RRSIG, class: first.class, ttl: first.ttl, rdata };
}

/**
 * The zone's records with its DNSKEY, an NSEC chain over its owner names in
 * canonical order (RFC 4034 §6.1), and an RRSIG for every RRset the zone is
 * authoritative for. Glue and delegation NS RRsets stay unsigned
 * (RFC 4035 §2.2).
 */
export function signZone(
  zone: Name,
  unsigned: readonly Rr[],
  key: ZoneKey,
  window: SignatureWindow,
  soaMinimum = 300,
): Rr[] {
  const records = [...unsigned, key.dnskey];
  const cuts = cutsOf(zone, records);
  // Owners in the NSEC chain: every authoritative owner and every delegation
  // point; names below a cut (glue) are left out (RFC 4035 §2.3).
  const owners: Name[] = [];
  for (const rr of records) {
    const glue = cuts.some((c) => isSubdomain(rr.owner, c) && !nameEquals(rr.owner, c));
    if (glue || owners.some((o) => nameEquals(o, rr.owner))) continue;
    owners.push(rr.owner);
  }
  owners.sort(compareNames);
  const nsecs: Rr[] = owners.map((owner, i) => {
    const next = owners[(i + 1) % owners.length]!;
    const types = new Set<number>([RrType.NSEC, RrType.RRSIG]);
    for (const rr of records) if (nameEquals(rr.owner, owner)) types.add(rr.type);
    // RFC 4034 §4.1.2: the bitmap lists every type at the owner, NSEC and RRSIG included.
    const bitmap = encodeTypeBitmap(types);
    const rdata = new Uint8Array(next.length + bitmap.length);
    rdata.set(lowerName(next), 0);
    rdata.set(bitmap, next.length);
    return { owner, type: RrType.NSEC, class: RrClass.IN, ttl: soaMinimum, rdata };
  });
  const all = [...records, ...nsecs];
  const sigs: Rr[] = [];
  for (const group of groupRrsets(all)) {
    const rrset = group.rrset;
    if (!rrset) continue;
    const rrs = all.filter((r) => r.type === rrset.type && nameEquals(r.owner, rrset.owner));
    if (belowCut(rrs[0]!, zone, cuts)) continue;
    sigs.push(rrsigOver(rrs, key, window));
  }
  return [...all, ...sigs];
}
