/**
 * A stand-in for a validating resolver in tests: answers every query from
 * the records of one signed zone, on an ephemeral port of 127.0.0.1, the way
 * a resolver answers a CD=1 query (RRsets with their RRSIGs; for a name
 * error or "no data", the SOA and the zone's NSEC records with theirs).
 * What a CD=0 query gets can be set apart (`userView`), to stand for the
 * resolver's own validation result.
 */
import { decodeMessage, encodeMessage, Rcode } from "../../src/dns/message.js";
import { nameEquals, type Name } from "../../src/dns/name.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import type { ExtendedDnsError } from "../../src/dns/edns.js";
import { startTestDnsServer, type TestDnsServer } from "../dns/test-dns-server.js";

export interface UserView {
  rcode: number;
  ad: boolean;
  ede?: ExtendedDnsError[];
}

export interface ZoneResolverOptions {
  /** What CD=0 queries get; default the zone's answer with AD set. */
  userView?: UserView;
  /** No answer at all, to stand for a vantage that is down. */
  silent?: boolean;
  /** Answer REFUSED to everything. */
  refuse?: boolean;
}

function covered(rr: Rr): number {
  return (rr.rdata[0]! << 8) | rr.rdata[1]!;
}

function withSigs(records: readonly Rr[], owner: Name, type: number): Rr[] {
  const set = records.filter((r) => r.type === type && nameEquals(r.owner, owner));
  if (set.length === 0) return [];
  const sigs = records.filter(
    (r) => r.type === RrType.RRSIG && nameEquals(r.owner, owner) && covered(r) === type,
  );
  return [...set, ...sigs];
}

export async function startZoneResolver(
  apex: Name,
  records: readonly Rr[],
  options: ZoneResolverOptions = {},
): Promise<TestDnsServer> {
  return startTestDnsServer((bytes) => {
    if (options.silent) return "silent";
    const d = decodeMessage(bytes);
    if (!d.ok) return "silent";
    const q = d.message.question[0]!;
    const cd = d.message.flags.cd;
    const reply = (rcode: number, answer: Rr[], authority: Rr[], ad: boolean, ede = []) => ({
      send: [
        encodeMessage({
          id: d.message.id,
          flags: { qr: true, rd: d.message.flags.rd, ra: true, cd, ad },
          rcode,
          question: [q],
          answer,
          authority,
          edns: { dnssecOk: d.message.edns?.dnssecOk ?? false, ede },
        }),
      ],
    });
    if (options.refuse) return reply(Rcode.REFUSED, [], [], false);
    if (!cd && options.userView) {
      const u = options.userView;
      return {
        send: [
          encodeMessage({
            id: d.message.id,
            flags: { qr: true, rd: true, ra: true, ad: u.ad },
            rcode: u.rcode,
            question: [q],
            edns: { dnssecOk: true, ede: u.ede ?? [] },
          }),
        ],
      };
    }
    const answer = withSigs(records, q.name, q.type);
    if (answer.length > 0) return reply(Rcode.NOERROR, answer, [], !cd);
    const soa = withSigs(records, apex, RrType.SOA);
    const nsecOwners = records.filter((r) => r.type === RrType.NSEC).map((r) => r.owner);
    const exists = records.some((r) => nameEquals(r.owner, q.name));
    if (exists) {
      return reply(Rcode.NOERROR, [], [...soa, ...withSigs(records, q.name, RrType.NSEC)], !cd);
    }
    const nsecs = nsecOwners.flatMap((o) => withSigs(records, o, RrType.NSEC));
    return reply(Rcode.NXDOMAIN, [], [...soa, ...nsecs], !cd);
  });
}
