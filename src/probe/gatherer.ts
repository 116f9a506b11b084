/**
 * The evidence gatherer: looks one name and type up the way a validating
 * iterative resolver does, from the root servers down, and keeps everything
 * it saw on the way (RFC 4035 §4-§5, RFC 1034 §5.3.3).
 *
 * - Referrals are followed (NS and glue; names without glue are looked up
 *   within the same limits).
 * - At each zone cut the DS RRset comes from the parent, or the parent's
 *   proof that there is none (the child and all below it are insecure); the
 *   child's DNSKEY RRset must match it (RFC 4035 §5.2). Trust starts at the
 *   closest trust anchor; names with no anchor above are insecure.
 * - CNAME and DNAME steps are followed, each link validated; the CNAME a
 *   DNAME synthesizes must match it. Expanded wildcards need their proof;
 *   name errors and "no data" answers need theirs (RFC 4035 §5.3.4, §5.4).
 * - A lame server or one that does not answer sends the walk to the next
 *   one; when none answers, the verdict is indeterminate, never bogus.
 *
 * Limits (see GatherLimits) bound depth, queries and time; past them the
 * verdict is indeterminate with reason "limit-exceeded".
 *
 * Limitations: no cache between lookups, but for the DS and DNSKEY steps
 * a round's key cache holds (GatherContext.keyCache, key-cache.ts) and the
 * signature checks a round shares (GatherContext.verifications,
 * verified-rrsets.ts: the same data verified once, judged anew); IPv4
 * and IPv6 glue are both used, IPv4 first; a zone served by the same
 * servers as its parent is found through the signer of its records, not by
 * probing every label.
 */
import { groupRrsets } from "../dns/canonical.js";
import { labelCount, nameEquals, nameKey, nameToText, type Name } from "../dns/name.js";
import { RrType, typeToText } from "../dns/rr.js";
import { indeterminate, weakest, type Verdict } from "../dnssec/verdict.js";
import { judgeResponse, type Check } from "./gatherer-judge.js";
import { addressesIn } from "./gatherer-response.js";
import {
  LIMIT_RANGES,
  type Evidence,
  type FinalAnswer,
  type GatherContext,
  type GatherLimits,
} from "./gatherer-types.js";
import { LimitExceeded, Walk, type Asked, type Zone } from "./gatherer-walk.js";

export * from "./gatherer-types.js";

/** The limits with defaults filled in; throws on a value outside its documented range. */
export function resolveLimits(given: Partial<GatherLimits> = {}): GatherLimits {
  const out = {} as GatherLimits;
  for (const [key, range] of Object.entries(LIMIT_RANGES) as [
    keyof GatherLimits,
    (typeof LIMIT_RANGES)[keyof GatherLimits],
  ][]) {
    const v = given[key] ?? range.default;
    if (!Number.isInteger(v) || v < range.min || v > range.max) {
      throw new RangeError(`${key} ${v} outside ${range.min}..${range.max}`);
    }
    out[key] = v;
  }
  return out;
}

type Lookup = { zone: Zone; asked: Asked } | { failure: Verdict };

/** Walks down from the closest zone already known to the zone that answers (qname, qtype). */
async function lookup(walk: Walk, qname: Name, qtype: number, depth: number): Promise<Lookup> {
  let zone = walk.closest(qname);
  // RFC 4035 §3.1.4.1: a DS RRset is served by the parent side of the cut.
  if (qtype === RrType.DS) zone = walk.dsZone(zone, qname);
  for (let steps = depth; ; steps++) {
    if (steps > walk.limits.maxDepth)
      throw new LimitExceeded(`more than ${walk.limits.maxDepth} referrals`);
    const r = await walk.ask(zone, qname, qtype);
    if ("security" in r) return { failure: r };
    if (r.cls.kind === "referral") {
      const child = await walk.delegate(zone, r, steps);
      if (child === zone || labelCount(child.name) <= labelCount(zone.name)) {
        return {
          failure: indeterminate("referral-loop", `referral loop at ${nameToText(child.name)}`),
        };
      }
      zone = child;
      continue;
    }
    if (walk.pin(zone)) {
      const again = await walk.ask(zone, qname, qtype);
      if ("security" in again) return { failure: again };
      return { zone, asked: again };
    }
    return { zone, asked: r };
  }
}

/** A's and AAAA's of a name server, whatever their security (they only say where to send queries). */
async function serverAddresses(walk: Walk, name: Name, depth: number): Promise<string[]> {
  return walk.guarded(name, [] as string[], async () => {
    const out: string[] = [];
    for (const type of [RrType.A, RrType.AAAA]) {
      const r = await lookup(walk, name, type, depth);
      if ("failure" in r) continue;
      const found = addressesIn(r.asked.message.answer, nameKey).get(nameKey(name)) ?? [];
      out.push(...found);
      if (out.length > 0) break;
    }
    return out;
  });
}

function finalOf(name: Name, asked: Asked): FinalAnswer {
  return {
    qname: nameToText(name),
    rcode: asked.message.rcode,
    server: asked.server.address,
    answer: groupRrsets(asked.message.answer),
    authority: groupRrsets(asked.message.authority),
  };
}

/** Looks `question` up from the root servers down and returns what was seen and the verdict. */
export async function gather(
  question: { name: Name; type: number },
  ctx: GatherContext,
): Promise<Evidence> {
  const limits = resolveLimits(ctx.limits);
  const walk = new Walk(ctx, limits);
  walk.resolveAddresses = (name, depth) => serverAddresses(walk, name, depth);
  const evidence: Evidence = {
    question: { name: nameToText(question.name), type: typeToText(question.type) },
    chain: walk.chain,
    aliases: [nameToText(question.name)],
    checks: [],
    verdict: indeterminate("unreachable", "no lookup made"),
    queries: 0,
  };
  const checks: Check[] = evidence.checks;
  let name = question.name;
  const seen = [question.name];
  try {
    for (let hop = 0; ; hop++) {
      const r = await lookup(walk, name, question.type, hop);
      if ("failure" in r) {
        checks.push({
          what: `lookup of ${nameToText(name)} ${typeToText(question.type)}`,
          verdict: r.failure,
        });
        break;
      }
      evidence.final = finalOf(name, r.asked);
      const judged = await judgeResponse(walk, r.zone, r.asked, name, question.type, hop);
      checks.push(...judged.checks);
      for (const alias of judged.aliases) evidence.aliases.push(nameToText(alias));
      if (judged.aliases.length > 0)
        evidence.final.qname = nameToText(judged.aliases[judged.aliases.length - 1]!);
      if (!judged.next) break;
      // RFC 1034 §3.6.2: alias chains must not loop.
      if (seen.some((s) => nameEquals(s, judged.next!)) || hop + 1 >= limits.maxChain) {
        checks.push({
          what: "alias chain",
          verdict: indeterminate(
            "cname-loop",
            `alias chain loops or is too long at ${nameToText(judged.next)}`,
          ),
        });
        break;
      }
      seen.push(...judged.aliases);
      name = judged.next;
    }
    if (checks.length === 0) {
      evidence.verdict = indeterminate("unreachable", "nothing was checked");
    } else if (checks.some((c) => c.verdict.reason?.kind === "cname-loop")) {
      evidence.verdict = checks.find((c) => c.verdict.reason?.kind === "cname-loop")!.verdict;
    } else {
      evidence.verdict = weakest(checks.map((c) => c.verdict));
    }
  } catch (e) {
    if (!(e instanceof LimitExceeded)) throw e;
    evidence.verdict = indeterminate("limit-exceeded", e.message);
  }
  evidence.queries = walk.queries;
  return evidence;
}
