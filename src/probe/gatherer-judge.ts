/**
 * Judging the last response of a walk: each RRset of the answer with the
 * keys of the zone that signed it (RFC 4035 §5.3), CNAME and DNAME steps
 * inside the response (RFC 1034 §3.6.2, RFC 6672 §5.3.1), the wildcard
 * proof of an expanded answer (RFC 4035 §5.3.4), and the denial proof of a
 * name error or "no data" answer (RFC 4035 §5.4).
 */
import { groupRrsets, type RrsetGroup } from "../dns/canonical.js";
import { Rcode } from "../dns/message.js";
import { isSubdomain, labelCount, nameEquals, nameToText, type Name } from "../dns/name.js";
import { RrType, typeToText } from "../dns/rr.js";
import { signerOf } from "../dnssec/answer.js";
import { proveNameError, proveNoData, proveWildcardAnswer } from "../dnssec/denial.js";
import { bogus, indeterminate, verdictOnly, weakest, type Verdict } from "../dnssec/verdict.js";
import type { Asked, Walk, Zone } from "./gatherer-walk.js";

export interface Check {
  what: string;
  verdict: Verdict;
}

export interface Judged {
  checks: Check[];
  /** Names reached by CNAME/DNAME inside this response, in order. */
  aliases: Name[];
  /** Set when the chain leaves this response: the name to look up next. */
  next?: Name;
}

/** The zone whose keys validate data signed by `signer`, found from the zone that served it. */
async function signerZone(
  walk: Walk,
  zone: Zone,
  signer: Name | undefined,
  depth: number,
): Promise<Zone> {
  if (!signer || nameEquals(signer, zone.name) || !isSubdomain(signer, zone.name)) return zone;
  return walk.subZone(zone, signer, depth + 1);
}

/** Validates one RRset of the answer; for a wildcard expansion, also its proof. */
async function checkRrset(
  walk: Walk,
  zone: Zone,
  group: RrsetGroup,
  authority: Asked["message"]["authority"],
  depth: number,
): Promise<Verdict> {
  await walk.keys(zone);
  const z = await signerZone(walk, zone, signerOf(group), depth);
  if (z.state !== "secure") return z.verdict;
  if (group.rrsigs.length === 0 && group.rrset) {
    // Unsigned data below a secure zone: fine only under an insecure delegation.
    const cut = await walk.insecureCut(z, group.rrset.owner);
    if (cut) return cut;
  }
  const v = walk.validateGroup(group, z.keys!);
  if (v.security !== "secure" || !v.wildcard || !group.rrset) return verdictOnly(v);
  // RFC 4035 §5.3.4: an expanded wildcard needs proof that the name itself does not exist.
  const denial = walk.validatedDenialRecords(authority, z.keys!);
  const proof = proveWildcardAnswer(
    group.rrset.owner,
    v.wildcard.closestEncloser,
    z.name,
    denial.records,
  );
  if (proof.security === "bogus" && denial.failure) return denial.failure;
  return proof;
}

/** RFC 6672 §2.2: the name a DNAME at `owner` turns `name` into. */
function dnameTarget(name: Name, owner: Name, target: Name): Name | undefined {
  const keep = labelCount(name) - labelCount(owner);
  const prefix = name.subarray(0, name.length - owner.length);
  if (keep <= 0) return undefined;
  const out = new Uint8Array(prefix.length + target.length);
  out.set(prefix, 0);
  out.set(target, prefix.length);
  return out.length <= 255 ? out : undefined;
}

/** Judges a response that is an answer, a name error or a "no data" for (qname, qtype). */
export async function judgeResponse(
  walk: Walk,
  zone: Zone,
  asked: Asked,
  qname: Name,
  qtype: number,
  depth: number,
): Promise<Judged> {
  const m = asked.message;
  const groups = groupRrsets(m.answer);
  const out: Judged = { checks: [], aliases: [] };
  const find = (owner: Name, type: number): RrsetGroup | undefined =>
    groups.find((g) => g.rrset && g.rrset.type === type && nameEquals(g.rrset.owner, owner));
  let name = qname;
  for (let hop = 0; ; hop++) {
    if (hop > walk.limits.maxChain) {
      out.checks.push({
        what: "alias chain",
        verdict: indeterminate("cname-loop", "too many CNAME/DNAME steps in one response"),
      });
      return out;
    }
    // A server speaks only for names in its zone; anything else in the response is ignored.
    if (!isSubdomain(name, zone.name)) break;
    const dname = groups
      .filter(
        (g) =>
          g.rrset?.type === RrType.DNAME &&
          isSubdomain(name, g.rrset.owner) &&
          !nameEquals(name, g.rrset.owner),
      )
      .sort((a, b) => labelCount(b.rrset!.owner) - labelCount(a.rrset!.owner))[0];
    if (dname) {
      const owner = dname.rrset!.owner;
      out.checks.push({
        what: `${nameToText(owner)} DNAME`,
        verdict: await checkRrset(walk, zone, dname, m.authority, depth),
      });
      const target = dnameTarget(name, owner, dname.rrset!.rdatas[0]!);
      if (!target) {
        out.checks.push({
          what: "DNAME substitution",
          verdict: bogus("malformed", `DNAME at ${nameToText(owner)} gives a name too long`),
        });
        return out;
      }
      // RFC 6672 §5.3.1: the synthesized CNAME, unsigned, must say what the DNAME says.
      const synth = find(name, RrType.CNAME);
      if (synth && !synth.rrset!.rdatas.every((r) => nameEquals(r, target))) {
        const msg = `CNAME at ${nameToText(name)} does not follow the DNAME at ${nameToText(owner)}`;
        out.checks.push({ what: `${nameToText(name)} CNAME`, verdict: bogus("malformed", msg) });
        return out;
      }
      name = target;
      out.aliases.push(name);
      // A query for the CNAME itself is answered by the synthesized CNAME.
      if (qtype === RrType.CNAME) return out;
      continue;
    }
    const direct =
      qtype === RrType.ANY
        ? groups.find((g) => g.rrset && nameEquals(g.rrset.owner, name))
        : find(name, qtype);
    if (direct) {
      out.checks.push({
        what: `${nameToText(name)} ${typeToText(qtype)}`,
        verdict: await checkRrset(walk, zone, direct, m.authority, depth),
      });
      return out;
    }
    const cname = find(name, RrType.CNAME);
    if (cname && qtype !== RrType.CNAME) {
      out.checks.push({
        what: `${nameToText(name)} CNAME`,
        verdict: await checkRrset(walk, zone, cname, m.authority, depth),
      });
      name = cname.rrset!.rdatas[0]!;
      out.aliases.push(name);
      continue;
    }
    break;
  }
  const negative =
    m.rcode === Rcode.NXDOMAIN ||
    m.authority.some((rr) => rr.type === RrType.SOA) ||
    (name === qname && asked.cls.kind !== "answer");
  if (name !== qname && !negative) {
    out.next = name;
    return out;
  }
  if (name !== qname && !isSubdomain(name, zone.name)) {
    out.next = name;
    return out;
  }
  const denial = await judgeDenial(
    walk,
    zone,
    asked,
    name,
    qtype,
    m.rcode === Rcode.NXDOMAIN,
    depth,
  );
  // After an alias step the rest of the response may be about another
  // question; when it proves nothing, the target is looked up anew.
  if (name !== qname && denial.verdict.security === "bogus") {
    out.next = name;
    return out;
  }
  out.checks.push(denial);
  return out;
}

/** The proof of a name error or of "no data" (RFC 4035 §5.4). */
async function judgeDenial(
  walk: Walk,
  zone: Zone,
  asked: Asked,
  name: Name,
  qtype: number,
  nxdomain: boolean,
  depth: number,
): Promise<Check> {
  const m = asked.message;
  const what = `${nxdomain ? "name error" : "no data"} for ${nameToText(name)} ${typeToText(qtype)}`;
  await walk.keys(zone);
  const auth = groupRrsets(m.authority);
  const soa = auth.find((g) => g.rrset?.type === RrType.SOA);
  const signed =
    soa ?? auth.find((g) => g.rrset?.type === RrType.NSEC || g.rrset?.type === RrType.NSEC3);
  const z = await signerZone(walk, zone, signed ? signerOf(signed) : undefined, depth);
  if (z.state !== "secure") return { what, verdict: z.verdict };
  if (!m.authority.some((rr) => rr.type === RrType.RRSIG)) {
    const cut = await walk.insecureCut(z, name);
    if (cut) return { what, verdict: cut };
  }
  const keys = z.keys!;
  const verdicts: Verdict[] = [];
  if (soa) verdicts.push(verdictOnly(walk.validateGroup(soa, keys)));
  const denial = walk.validatedDenialRecords(m.authority, keys);
  if (!isSubdomain(name, z.name)) {
    return {
      what,
      verdict: bogus("denial-invalid", `${nameToText(z.name)} cannot deny ${nameToText(name)}`),
    };
  }
  let proof = nxdomain
    ? proveNameError(name, z.name, denial.records)
    : proveNoData(name, qtype, z.name, denial.records);
  if (proof.security === "bogus" && denial.failure) proof = denial.failure;
  verdicts.push(proof);
  return { what, verdict: weakest(verdicts) };
}
