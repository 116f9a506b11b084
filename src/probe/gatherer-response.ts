/**
 * What one authoritative server's response to an iterative query means for
 * the walk down the tree (RFC 1034 §4.3.2, §5.3.3; RFC 4035 §3.1.4): an
 * answer, a name error, a "no data" answer, a referral to a child zone, or a
 * lame response that sends the walk to the next server. Pure: a decoded
 * message in, a classification out.
 */
import type { Message } from "../dns/message.js";
import { Rcode } from "../dns/message.js";
import { isSubdomain, labelCount, nameEquals, type Name } from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";

export type ResponseKind = "answer" | "nxdomain" | "nodata" | "referral" | "lame";

export interface Referral {
  /** The child zone the NS records delegate. */
  child: Name;
  /** Name server names of the child (NS RDATA). */
  nsNames: Name[];
  /** Addresses given in the additional section for those names. */
  glue: Map<string, string[]>;
}

export interface Classified {
  kind: ResponseKind;
  /** Why a response is lame; empty otherwise. */
  why: string;
  referral?: Referral;
}

/** The RDATA of NS, CNAME and DNAME records is a single uncompressed name. */
export function rdataName(rr: Rr): Name {
  return rr.rdata;
}

function ipv4Text(b: Uint8Array): string {
  return [...b].join(".");
}

function ipv6Text(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(":");
}

/** Addresses of A and AAAA records in a section, keyed by lowercased owner text. */
export function addressesIn(rrs: readonly Rr[], key: (n: Name) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const rr of rrs) {
    let text: string | undefined;
    if (rr.type === RrType.A && rr.rdata.length === 4) text = ipv4Text(rr.rdata);
    else if (rr.type === RrType.AAAA && rr.rdata.length === 16) text = ipv6Text(rr.rdata);
    if (text === undefined) continue;
    const k = key(rr.owner);
    const list = out.get(k) ?? [];
    if (!list.includes(text)) list.push(text);
    out.set(k, list);
  }
  return out;
}

/** True when the answer section holds something for `qname`: the type asked, a CNAME, or a DNAME above it. */
function answersQuestion(m: Message, qname: Name, qtype: number): boolean {
  return m.answer.some((rr) => {
    if (rr.type === RrType.DNAME && !nameEquals(qname, rr.owner))
      return isSubdomain(qname, rr.owner);
    if (!nameEquals(rr.owner, qname)) return false;
    return (
      rr.type === qtype ||
      rr.type === RrType.CNAME ||
      (qtype === RrType.ANY && rr.type !== RrType.RRSIG)
    );
  });
}

/**
 * Classifies the response of a server of `zone` to (qname, qtype).
 * `key` makes a map key of a name (see nameKey).
 */
export function classifyResponse(
  m: Message,
  zone: Name,
  qname: Name,
  qtype: number,
  key: (n: Name) => string,
): Classified {
  if (m.rcode !== Rcode.NOERROR && m.rcode !== Rcode.NXDOMAIN) {
    return { kind: "lame", why: `RCODE ${m.rcode}` };
  }
  if (answersQuestion(m, qname, qtype)) return { kind: "answer", why: "" };
  if (m.rcode === Rcode.NXDOMAIN) return { kind: "nxdomain", why: "" };
  const hasSoa = m.authority.some((rr) => rr.type === RrType.SOA);
  const ns = m.authority.filter((rr) => rr.type === RrType.NS);
  if (!hasSoa && ns.length > 0) {
    const child = ns[0]!.owner;
    // RFC 1034 §4.3.2: a referral leads strictly below the zone, towards qname.
    const down =
      isSubdomain(child, zone) &&
      labelCount(child) > labelCount(zone) &&
      isSubdomain(qname, child) &&
      // A DS query is answered by the parent (RFC 4035 §3.1.4.1); a referral to the child is lame.
      !(qtype === RrType.DS && nameEquals(child, qname));
    // The zone's own apex NS beside an empty answer: a "no data" answer that
    // left out its SOA (RFC 2308 §2.2 type 2 shape); its proof decides.
    if (nameEquals(child, zone)) return { kind: "nodata", why: "" };
    if (!down) return { kind: "lame", why: "referral that does not lead down towards the name" };
    const nsNames = ns.filter((rr) => nameEquals(rr.owner, child)).map(rdataName);
    const wanted = new Set(nsNames.map(key));
    const all = addressesIn(m.additional, key);
    const glue = new Map([...all].filter(([k]) => wanted.has(k)));
    return { kind: "referral", why: "", referral: { child, nsNames, glue } };
  }
  // A signed "no data" answer may come without its SOA; its NSEC or NSEC3 records say what it is.
  const denial = m.authority.some((rr) => rr.type === RrType.NSEC || rr.type === RrType.NSEC3);
  if (hasSoa || denial || m.flags.aa) return { kind: "nodata", why: "" };
  return { kind: "lame", why: "empty answer without SOA or AA" };
}
