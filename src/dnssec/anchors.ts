/**
 * Trust anchors: the DS or DNSKEY records a validator is configured to trust
 * for a zone, where every chain of trust starts (RFC 4033 §3, RFC 4035 §4.4).
 *
 * The root's key-signing keys are built in as DS records, with the validity
 * windows IANA publishes for them (RFC 7958 §2.2); anchors can also be read
 * from a file: zone-file records (DS or DNSKEY, as in `root.key` and
 * `root.ds`), IANA's `root-anchors.xml` (see anchors-xml.ts) or a BIND
 * `trust-anchors` / `managed-keys` / `trusted-keys` clause (see
 * anchors-bind.ts); anchor-file.ts tells the formats apart.
 *
 * Everything here is pure: text in, a TrustAnchorSet or an error value out.
 * Which anchors are in force is decided at use time, against a `now` that the
 * caller passes in.
 *
 * Limitations: RFC 5011 automated updates (the add hold-down timer, revoked
 * keys) are not tracked: a BIND `initial-key` is trusted like a static key.
 */
import { keyTag } from "./keytag.js";
import { parseDnskey, parseDs } from "./rdata.js";
import { nameKey, nameToText, labelCount, ancestor, ROOT, type Name } from "../dns/name.js";
import { parseZone } from "../dns/zonefile.js";
import { RrClass, RrType, typeToText, type Rr } from "../dns/rr.js";

export interface TrustAnchor {
  /** The zone whose keys the anchor vouches for (the record's owner). */
  zone: Name;
  /** A DS or DNSKEY record of that zone, RDATA in wire form. */
  record: Rr;
  keyTag: number;
  algorithm: number;
  /** Seconds since the epoch; the anchor is not used before this time (RFC 7958 §2.2). */
  validFrom?: number;
  /** Seconds since the epoch; the anchor is not used from this time on (RFC 7958 §2.2). */
  validUntil?: number;
  /** Where it came from, for people: "built-in", "root.key:3", "root-anchors.xml KeyDigest Klajeyz". */
  source: string;
}

/** The anchors of one zone that are in force at a given time, split by kind. */
export interface ZoneAnchors {
  zone: Name;
  ds: Rr[];
  dnskey: Rr[];
  /** Anchors of the zone left out because `now` is outside their window. */
  outOfWindow: TrustAnchor[];
}

/** Where an anchor file could not be read: the file, the line when known, what is wrong. */
export interface AnchorError {
  file: string;
  line?: number;
  message: string;
}

export type AnchorParseResult =
  { ok: true; anchors: TrustAnchorSet } | { ok: false; error: AnchorError };

/** True when `now` lies inside the anchor's validity window. */
export function inForce(anchor: TrustAnchor, now: number): boolean {
  if (anchor.validFrom !== undefined && now < anchor.validFrom) return false;
  if (anchor.validUntil !== undefined && now >= anchor.validUntil) return false;
  return true;
}

/** Trust anchors by zone. */
export class TrustAnchorSet {
  readonly #byZone = new Map<string, TrustAnchor[]>();

  constructor(anchors: Iterable<TrustAnchor> = []) {
    for (const a of anchors) this.add(a);
  }

  /** Adds an anchor; throws when the record is neither DS nor DNSKEY (a programming error). */
  add(anchor: TrustAnchor): void {
    const t = anchor.record.type;
    if (t !== RrType.DS && t !== RrType.DNSKEY) {
      throw new TypeError(`a trust anchor is a DS or DNSKEY record, not ${typeToText(t)}`);
    }
    const key = nameKey(anchor.zone);
    const list = this.#byZone.get(key);
    if (list) list.push(anchor);
    else this.#byZone.set(key, [anchor]);
  }

  /** Every anchor, in the order added. */
  all(): TrustAnchor[] {
    return [...this.#byZone.values()].flat();
  }

  get size(): number {
    let n = 0;
    for (const list of this.#byZone.values()) n += list.length;
    return n;
  }

  /** The zones that have anchors, whatever their windows. */
  zones(): Name[] {
    return [...this.#byZone.values()].map((list) => list[0]!.zone);
  }

  /**
   * The anchors of exactly `zone` in force at `now` (seconds since the
   * epoch); `undefined` when the zone has no anchor at all.
   */
  forZone(zone: Name, now: number): ZoneAnchors | undefined {
    const list = this.#byZone.get(nameKey(zone));
    if (!list) return undefined;
    const result: ZoneAnchors = { zone: list[0]!.zone, ds: [], dnskey: [], outOfWindow: [] };
    for (const a of list) {
      if (!inForce(a, now)) result.outOfWindow.push(a);
      else if (a.record.type === RrType.DS) result.ds.push(a.record);
      else result.dnskey.push(a.record);
    }
    return result;
  }

  /**
   * The anchors of the closest zone at or above `name` that has any in force
   * at `now`: where validation of `name` starts (RFC 4035 §4.4).
   */
  closestEnclosing(name: Name, now: number): ZoneAnchors | undefined {
    for (let n = labelCount(name); n >= 0; n--) {
      const found = this.forZone(ancestor(name, n), now);
      if (found && (found.ds.length > 0 || found.dnskey.length > 0)) return found;
    }
    return undefined;
  }
}

/** Builds an anchor from a DS or DNSKEY record; `undefined` when its RDATA is malformed. */
export function anchorFromRecord(
  record: Rr,
  source: string,
  window: { validFrom?: number; validUntil?: number } = {},
): TrustAnchor | undefined {
  let tag: number;
  let algorithm: number;
  if (record.type === RrType.DS) {
    const ds = parseDs(record.rdata);
    if (!ds) return undefined;
    tag = ds.keyTag;
    algorithm = ds.algorithm;
  } else if (record.type === RrType.DNSKEY) {
    const key = parseDnskey(record.rdata);
    if (!key) return undefined;
    tag = keyTag(record.rdata);
    algorithm = key.algorithm;
  } else {
    return undefined;
  }
  return { zone: record.owner, record, keyTag: tag, algorithm, source, ...window };
}

/** DS RDATA (RFC 4034 §5.1) from its fields; `digestHex` must be hex digits. */
export function dsRdata(
  tag: number,
  algorithm: number,
  digestType: number,
  digestHex: string,
): Uint8Array {
  if (!/^([0-9a-fA-F]{2})+$/.test(digestHex)) throw new TypeError("digest is not hex");
  const digest = Buffer.from(digestHex, "hex");
  const out = new Uint8Array(4 + digest.length);
  out[0] = tag >> 8;
  out[1] = tag & 0xff;
  out[2] = algorithm;
  out[3] = digestType;
  out.set(digest, 4);
  return out;
}

/**
 * The root zone's key-signing keys, as DS records with SHA-256 digests and
 * the windows IANA gives them in root-anchors.xml (2024 edition): KSK-2017
 * (key tag 20326) and KSK-2024 (key tag 38696). KSK-2010 (19036) is left out:
 * it was revoked and removed in 2018, and its window in that file ends on
 * 2019-01-11.
 */
const ROOT_KSKS = [
  {
    id: "Klajeyz",
    keyTag: 20326,
    validFrom: "2017-02-02T00:00:00Z",
    digest: "E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",
  },
  {
    id: "Kmyv6jo",
    keyTag: 38696,
    validFrom: "2024-07-18T00:00:00Z",
    digest: "683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",
  },
] as const;

const RSASHA256 = 8;
const SHA256 = 2;

/** The built-in root trust anchors (a fresh set each call). */
export function builtInRootAnchors(): TrustAnchorSet {
  const set = new TrustAnchorSet();
  for (const k of ROOT_KSKS) {
    set.add({
      zone: ROOT,
      record: {
        owner: ROOT,
        type: RrType.DS,
        class: RrClass.IN,
        ttl: 0,
        rdata: dsRdata(k.keyTag, RSASHA256, SHA256, k.digest),
      },
      keyTag: k.keyTag,
      algorithm: RSASHA256,
      validFrom: Date.parse(k.validFrom) / 1000,
      source: `built-in (IANA KeyDigest ${k.id})`,
    });
  }
  return set;
}

/**
 * Anchors written as zone-file records (RFC 1035 §5), relative names taken
 * from `origin` (the root when not given). Only DS and DNSKEY records are
 * anchors; any other type is an error naming its line.
 */
export function parseAnchorRecords(
  text: string,
  options: { file: string; origin?: Name },
): AnchorParseResult {
  // Anchor files often give no TTL (root.key, root.ds): it does not matter here.
  const parsed = parseZone(text, {
    origin: options.origin ?? ROOT,
    file: options.file,
    defaultTtl: 0,
  });
  if (!parsed.ok) {
    const { line, message } = parsed.error;
    return { ok: false, error: { file: options.file, line, message } };
  }
  const set = new TrustAnchorSet();
  // Records carry no line numbers once parsed: errors name the record instead.
  for (const [i, rr] of parsed.records.entries()) {
    const what = `record ${i + 1} (${nameToText(rr.owner)} ${typeToText(rr.type)})`;
    if (rr.type !== RrType.DS && rr.type !== RrType.DNSKEY) {
      return {
        ok: false,
        error: { file: options.file, message: `${what} is not a DS or DNSKEY record` },
      };
    }
    const anchor = anchorFromRecord(rr, `${options.file} ${what}`);
    if (!anchor) {
      return { ok: false, error: { file: options.file, message: `${what} has malformed RDATA` } };
    }
    set.add(anchor);
  }
  if (set.size === 0) {
    return { ok: false, error: { file: options.file, message: "no DS or DNSKEY record found" } };
  }
  return { ok: true, anchors: set };
}
