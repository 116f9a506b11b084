/**
 * Signature checks shared by the probes of one round: the same RRset with
 * the same RRSIGs, checked against the same keys at the same time, is
 * verified once per round however many vantages served it (RFC 4035 §5.3:
 * the outcome depends on nothing else). One round, one set; round.ts makes
 * a new one every round, so every signature is still verified at least once
 * per round and nothing carries over from one round to the next.
 *
 * An entry is keyed by a SHA-256 digest of everything the check reads: the
 * time, the zone, the RRset's owner, type, class and RDATA (sorted: the
 * check works on the canonical order, RFC 4034 §6.3), the RRSIG records in
 * the order given, the DNSKEY records in the order given, and for the
 * DNSKEY step the DS records and anchor keys. TTLs are left out: the signed
 * data carries the RRSIG's Original TTL, not the TTL received (RFC 4035
 * §5.3.2), and resolvers count TTLs down each on its own clock. What comes
 * back from the cache is the verdict the check would have given with the
 * caller's own records: the RRSIG and DNSKEY records a secure verdict names
 * are the caller's, at the same positions, and so are the trusted keys of
 * the DNSKEY step.
 */
import { createHash, type Hash } from "node:crypto";
import type { RrsetGroup } from "../dns/canonical.js";
import { rrsetRecords, type Rr, type RrSet } from "../dns/rr.js";
import {
  validatedDenialRecords,
  validateGroup,
  type DenialRecords,
  type TrustedKeys,
} from "../dnssec/answer.js";
import type { RrsetVerdict } from "../dnssec/rrsig.js";
import { trustZoneKeys, type ZoneKeys, type ZoneKeysInput } from "../dnssec/zone-keys.js";

/** Where the RRSIG and DNSKEY of a secure verdict sit among the inputs, -1 when none. */
interface Positions {
  rrsig: number;
  dnskey: number;
}

interface KeptRrset {
  verdict: RrsetVerdict;
  at: Positions;
}

interface KeptKeys {
  result: ZoneKeys;
  at: Positions;
}

// One scratch buffer for the numbers fed to the digest (the digest copies what it is given).
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

/** A number as eight octets (times, counts, types; -1 for "none"). */
function number(h: Hash, x: number): void {
  scratch.setFloat64(0, x);
  h.update(scratchBytes);
}

/** A byte string preceded by its length, so that no two inputs run together. */
function field(h: Hash, bytes: Uint8Array): void {
  number(h, bytes.length);
  h.update(bytes);
}

function records(h: Hash, rrs: readonly Rr[]): void {
  number(h, rrs.length);
  for (const rr of rrs) {
    field(h, rr.owner);
    number(h, rr.type);
    number(h, rr.class);
    field(h, rr.rdata);
  }
}

function rrset(h: Hash, set: RrSet | undefined): void {
  if (!set) {
    number(h, -1);
    return;
  }
  field(h, set.owner);
  number(h, set.type);
  number(h, set.class);
  const sorted = [...set.rdatas].sort((a, b) => Buffer.compare(a, b));
  number(h, sorted.length);
  for (const rdata of sorted) field(h, rdata);
}

function positionsOf(
  v: RrsetVerdict | undefined,
  rrsigs: readonly Rr[],
  dnskeys: readonly Rr[],
): Positions | undefined {
  if (!v?.signature) return { rrsig: -1, dnskey: -1 };
  const at = {
    rrsig: rrsigs.indexOf(v.signature.rrsig),
    dnskey: dnskeys.indexOf(v.signature.dnskey),
  };
  // A record that is not one of the inputs could not be put back: not kept.
  return at.rrsig < 0 || at.dnskey < 0 ? undefined : at;
}

/** `v` with the records at `at` taken from the caller's inputs. */
function rebound(
  v: RrsetVerdict,
  at: Positions,
  rrsigs: readonly Rr[],
  dnskeys: readonly Rr[],
): RrsetVerdict {
  const out: RrsetVerdict = { ...v, checks: [...v.checks] };
  if (v.signature) {
    out.signature = { ...v.signature, rrsig: rrsigs[at.rrsig]!, dnskey: dnskeys[at.dnskey]! };
  }
  return out;
}

export class RoundVerifications {
  /** Checks made, and checks answered from an earlier one of the round. */
  checked = 0;
  reused = 0;
  readonly #rrsets = new Map<string, KeptRrset>();
  readonly #keys = new Map<string, KeptKeys>();

  /** validateGroup (answer.ts), once per round for the same inputs. */
  validateGroup(group: RrsetGroup, keys: TrustedKeys, now: number): RrsetVerdict {
    // Without the RRset there is nothing to verify.
    if (!group.rrset) return validateGroup(group, keys, now);
    const h = createHash("sha256");
    h.update("rrset");
    number(h, now);
    field(h, keys.zone);
    rrset(h, group.rrset);
    records(h, group.rrsigs);
    records(h, keys.dnskeys);
    const key = h.digest("base64");
    const kept = this.#rrsets.get(key);
    if (kept) {
      this.reused++;
      return rebound(kept.verdict, kept.at, group.rrsigs, keys.dnskeys);
    }
    this.checked++;
    const verdict = validateGroup(group, keys, now);
    const at = positionsOf(verdict, group.rrsigs, keys.dnskeys);
    if (at)
      this.#rrsets.set(key, { verdict: rebound(verdict, at, group.rrsigs, keys.dnskeys), at });
    return verdict;
  }

  /** validatedDenialRecords (answer.ts) with each NSEC and NSEC3 RRset checked through validateGroup above. */
  validatedDenialRecords(section: readonly Rr[], keys: TrustedKeys, now: number): DenialRecords {
    return validatedDenialRecords(section, keys, now, (g, k, n) => this.validateGroup(g, k, n));
  }

  /** trustZoneKeys (zone-keys.ts), once per round for the same inputs. */
  trustZoneKeys(input: ZoneKeysInput): ZoneKeys {
    const h = createHash("sha256");
    h.update("dnskey");
    number(h, input.now);
    number(h, input.skewSeconds ?? 0);
    field(h, input.zone);
    rrset(h, input.dnskeys);
    records(h, input.rrsigs);
    records(h, input.ds ?? []);
    records(h, input.anchorKeys ?? []);
    const key = h.digest("base64");
    const kept = this.#keys.get(key);
    if (kept) {
      this.reused++;
      return this.#keysFor(kept, input);
    }
    this.checked++;
    const result = trustZoneKeys(input);
    // A secure result trusts the records of the DNSKEY RRset, in its order.
    const keys = result.keys.length > 0 && input.dnskeys ? result.keys : [];
    // Signed by an anchor key (not one of the RRset's records): not kept.
    const at = positionsOf(result.rrset, input.rrsigs, keys);
    if (at) this.#keys.set(key, { result, at });
    return result;
  }

  /** A kept DNSKEY step with the caller's DNSKEY and RRSIG records. */
  #keysFor(kept: KeptKeys, input: ZoneKeysInput): ZoneKeys {
    const r = kept.result;
    const keys = r.keys.length > 0 && input.dnskeys ? rrsetRecords(input.dnskeys) : [];
    const out: ZoneKeys = { ...r, keys, tried: [...r.tried] };
    if (r.rrset) out.rrset = rebound(r.rrset, kept.at, input.rrsigs, keys);
    return out;
  }
}
