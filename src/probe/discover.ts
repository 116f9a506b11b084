/**
 * Finding the authoritative servers of a zone the way a resolver does: the
 * zone's NS RRset looked up from the root servers down (the evidence
 * gatherer follows the referrals), then each name server's addresses. Each
 * address is probed on its own afterwards (RFC 1034 §4.2.2: every listed
 * server serves the zone; a break on some of them is only seen this way).
 *
 * The security of the address lookups does not matter: they only say where
 * to send queries, and what comes back from there is validated anyway.
 *
 * Limitations: IPv6 addresses are used only when asked for (`ipv6`).
 */
import { lowerName, nameEquals, nameKey, nameToText, parseName } from "../dns/name.js";
import { RrType, rrsetRecords } from "../dns/rr.js";
import { indeterminate, type Verdict } from "../dnssec/verdict.js";
import { gather } from "./gatherer.js";
import { addressesIn } from "./gatherer-response.js";
import type { ProbeContext } from "./probe.js";

export interface AuthoritativeServer {
  /** NS target name, lowercase with the trailing dot. */
  host: string;
  address: string;
}

export interface Discovery {
  zone: string;
  servers: AuthoritativeServer[];
  /** How the NS lookup was judged; indeterminate when no NS RRset came back. */
  verdict: Verdict;
  /** When it was done, seconds since the epoch. */
  at: number;
}

function limits(ctx: ProbeContext) {
  return {
    queryTimeoutMs: ctx.settings.timeoutMs,
    retries: ctx.settings.retries,
    timeBudgetMs: Math.max(ctx.settings.lookupBudgetMs, ctx.settings.timeoutMs),
  };
}

async function addressesOf(ctx: ProbeContext, host: string, ipv6: boolean): Promise<string[]> {
  const name = parseName(host);
  const out: string[] = [];
  for (const type of ipv6 ? [RrType.A, RrType.AAAA] : [RrType.A]) {
    const ev = await gather(
      { name, type },
      {
        transport: ctx.transport,
        anchors: ctx.anchors,
        rootServers: ctx.rootServers,
        now: ctx.now(),
        limits: limits(ctx),
      },
    );
    const answer = (ev.final?.answer ?? []).flatMap((g) => (g.rrset ? rrsetRecords(g.rrset) : []));
    // The addresses of the name asked, or of the last name of its CNAME chain.
    const target = ev.final ? parseName(ev.final.qname) : name;
    const found = addressesIn(answer, nameKey).get(nameKey(target)) ?? [];
    for (const a of found) if (!out.includes(a)) out.push(a);
  }
  return out;
}

/** The authoritative servers of `zone` (presentation form), found from the root. */
export async function discoverAuthoritatives(
  ctx: ProbeContext,
  zone: string,
  options: { ipv6?: boolean } = {},
): Promise<Discovery> {
  const at = ctx.now();
  const apex = parseName(zone);
  const ev = await gather(
    { name: apex, type: RrType.NS },
    {
      transport: ctx.transport,
      anchors: ctx.anchors,
      rootServers: ctx.rootServers,
      now: at,
      limits: limits(ctx),
    },
  );
  const ns = ev.final?.answer.find(
    (g) => g.rrset?.type === RrType.NS && nameEquals(g.rrset.owner, apex),
  )?.rrset;
  if (!ns) {
    const verdict =
      ev.verdict.security === "indeterminate"
        ? ev.verdict
        : indeterminate("unreachable", `no NS RRset found for ${zone}`, {
            owner: zone,
            type: "NS",
          });
    return { zone, servers: [], verdict, at };
  }
  const hosts = [...new Set(ns.rdatas.map((r) => nameToText(lowerName(r))))].sort();
  const lists = await Promise.all(hosts.map((h) => addressesOf(ctx, h, options.ipv6 ?? false)));
  const servers: AuthoritativeServer[] = [];
  hosts.forEach((host, i) => {
    for (const address of lists[i]!) {
      if (!servers.some((s) => s.address === address)) servers.push({ host, address });
    }
  });
  return { zone, servers, verdict: ev.verdict, at };
}
