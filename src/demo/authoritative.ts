/**
 * The demo's authoritative server: answers from the records of one signed
 * zone the way RFC 1034 §4.3.2 and RFC 4035 §3.1 describe, with RRSIGs
 * always included (every client here sets DO):
 * - below a delegation: a referral (NS, the DS RRset or the NSEC proving
 *   there is none, glue); a DS query at the cut is answered from this side;
 * - an existing name: the RRset asked for, or "no data" with the SOA and
 *   the NSEC of the name;
 * - otherwise a name error with the SOA, the NSEC covering the name and the
 *   NSEC covering the wildcard at the apex (RFC 4035 §3.1.3.2).
 * The zone's records can be replaced at any time (a re-signed zone).
 */
import type { Message, MessageToEncode } from "../dns/message.js";
import { Rcode } from "../dns/message.js";
import { compareNames, isSubdomain, nameEquals, wildcardOf, type Name } from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";
import { listen, type Listener } from "./listener.js";
import { cutsOf } from "./sign.js";

export class ZoneData {
  #records: readonly Rr[] = [];
  #cuts: Name[] = [];

  constructor(readonly apex: Name) {}

  get records(): readonly Rr[] {
    return this.#records;
  }

  /** Serves `records` from now on. */
  replace(records: readonly Rr[]): void {
    this.#records = records;
    this.#cuts = cutsOf(this.apex, records);
  }

  /** The RRset of (owner, type) with the RRSIGs covering it. */
  rrset(owner: Name, type: number): Rr[] {
    const set = this.#records.filter((r) => r.type === type && nameEquals(r.owner, owner));
    if (set.length === 0) return [];
    const sigs = this.#records.filter(
      (r) =>
        r.type === RrType.RRSIG &&
        nameEquals(r.owner, owner) &&
        ((r.rdata[0]! << 8) | r.rdata[1]!) === type,
    );
    return [...set, ...sigs];
  }

  /** The NSEC whose owner sorts before `name` and whose next name after it (RFC 4034 §6.1). */
  #covering(name: Name): Rr[] {
    for (const n of this.#records) {
      if (n.type !== RrType.NSEC) continue;
      const next = n.rdata.subarray(0, nameEnd(n.rdata));
      const after = compareNames(n.owner, name) < 0;
      const before = compareNames(name, next) < 0;
      const last = compareNames(next, n.owner) <= 0; // the chain wraps to the apex
      if ((after && before) || (last && after)) return this.rrset(n.owner, RrType.NSEC);
    }
    return [];
  }

  #exists(name: Name): boolean {
    return this.#records.some((r) => isSubdomain(r.owner, name));
  }

  answer(q: Message): MessageToEncode {
    const question = q.question[0];
    const base = {
      id: q.id,
      flags: { qr: true, aa: true, rd: q.flags.rd, cd: q.flags.cd },
      question: q.question,
      edns: { dnssecOk: q.edns?.dnssecOk ?? false },
    };
    if (!question || !isSubdomain(question.name, this.apex)) {
      return { ...base, flags: { ...base.flags, aa: false }, rcode: Rcode.REFUSED };
    }
    const { name, type } = question;
    const cut = this.#cuts.find((c) => isSubdomain(name, c));
    if (cut && !(type === RrType.DS && nameEquals(name, cut))) {
      const ds = this.rrset(cut, RrType.DS);
      const glue = this.#records.filter(
        (r) => (r.type === RrType.A || r.type === RrType.AAAA) && isSubdomain(r.owner, cut),
      );
      return {
        ...base,
        flags: { ...base.flags, aa: false },
        authority: [
          ...this.rrset(cut, RrType.NS),
          ...(ds.length > 0 ? ds : this.rrset(cut, RrType.NSEC)),
        ],
        additional: glue,
      };
    }
    const soa = this.rrset(this.apex, RrType.SOA);
    if (this.#exists(name)) {
      const found = this.rrset(name, type);
      if (found.length > 0) return { ...base, answer: found };
      return { ...base, authority: [...soa, ...this.rrset(name, RrType.NSEC)] };
    }
    const proofs = [...this.#covering(name), ...this.#covering(wildcardOf(this.apex))];
    const unique = proofs.filter(
      (r, i) => proofs.findIndex((o) => o.type === r.type && o.rdata === r.rdata) === i,
    );
    return { ...base, rcode: Rcode.NXDOMAIN, authority: [...soa, ...unique] };
  }
}

/** Where a wire-form name that starts the RDATA ends. */
function nameEnd(rdata: Uint8Array): number {
  let at = 0;
  while (at < rdata.length && rdata[at] !== 0) at += rdata[at]! + 1;
  return at + 1;
}

/** Serves `zone` on an ephemeral port of 127.0.0.1. */
export function serveZone(zone: ZoneData): Promise<Listener> {
  return listen(async (q) => zone.answer(q));
}
