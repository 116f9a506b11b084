/**
 * The denial proofs against the responses of Deckard's and Unbound's replay
 * scenarios (test/fixtures/deckard). For each answer a scenario checks, the
 * simulated servers' responses on the way to it that carry a denial are
 * taken, the proof they call for is run, and its verdict is compared with
 * the checked answer: SERVFAIL means bogus, the AD bit secure, an answer
 * without AD insecure.
 *
 * Which proof: NXDOMAIN is a name error; an answer whose RRSIG has fewer
 * labels than its owner is a wildcard expansion; a referral (NS, no SOA) to
 * a name on the way to the question calls for the no-DS proof of that name;
 * an empty NOERROR answer with SOA is NODATA. The zone is the signer of the
 * NSEC/NSEC3 signatures, or the SOA owner. Signatures are not checked here,
 * so scenarios whose verdict rests on a bad signature are left out, as are
 * those that test caching or CNAME chains (listed below).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  isSubdomain,
  labelCount,
  nameEquals,
  nameToText,
  ROOT,
  type Name,
} from "../../src/dns/name.js";
import { RrType, typeToText, type Rr } from "../../src/dns/rr.js";
import { parseRecord } from "../../src/dns/zonefile.js";
import {
  proveNameError,
  proveNoData,
  proveNoDs,
  proveWildcardAnswer,
} from "../../src/dnssec/denial.js";
import { parseRrsig } from "../../src/dnssec/rdata.js";
import type { Security, Verdict } from "../../src/dnssec/verdict.js";
import { parseScenario, type RplEntry, type RplRecordLine } from "../support/rpl.js";

const SCENARIOS = [
  // NSEC
  "iter_validate_nsec_nxdomain.rpl",
  "nsec_name_error_response.rpl",
  "nsec_name_error_response-part2.rpl",
  "nsec_no_data_response.rpl",
  "nsec_ref_to_unsigned1.rpl",
  "nsec_wildcard_answer_response.rpl",
  "val_unsecds.rpl",
  "val_unsecds_negcache.rpl",
  "val_root_ds.rpl",
  // NSEC3
  "nsec3_wildcard_no_data_response.rpl",
  "val_iter_high.rpl",
  "val_nsec3_b1_nameerror.rpl",
  "val_nsec3_b1_nameerror_noce.rpl",
  "val_nsec3_b1_nameerror_nonc.rpl",
  "val_nsec3_b1_nameerror_nowc.rpl",
  "val_nsec3_b2_nodata.rpl",
  "val_nsec3_b2_nodata_nons.rpl",
  "val_nsec3_b21_nodataent.rpl",
  "val_nsec3_b21_nodataent_wr.rpl",
  "val_nsec3_b3_optout.rpl",
  "val_nsec3_b3_optout_negcache.rpl",
  "val_nsec3_b3_optout_noce.rpl",
  "val_nsec3_b3_optout_nonc.rpl",
  "val_nsec3_b4_wild.rpl",
  "val_nsec3_b5_wcnodata.rpl",
  "val_nsec3_b5_wcnodata_noce.rpl",
  "val_nsec3_b5_wcnodata_nonc.rpl",
  "val_nsec3_b5_wcnodata_nowc.rpl",
  "val_nsec3_entnodata_optout_badopt.rpl",
  "val_nsec3_nods_soa.rpl",
  "val_nsec3_noopt_ref.rpl",
  "val_nsec3_optout_ad.rpl",
  "val_nsec3_optout_ns_ad.rpl",
  "val_nsec3_optout_unsec_cache.rpl",
];
// Left out: nsec_aggr_cache, nsec3_aggr_cache (aggressive caching across
// queries), val_nsec3_nods_badsig (a bad signature), val_wild_pos_multi
// (verdicts change as time passes), val_cnamenx_dblnsec and
// val_unsecds_qtypeds (need CNAME or child-side reasoning beyond a proof).

const read = (file: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/deckard/${file}`, import.meta.url)), "utf8");

const records = (lines: readonly RplRecordLine[]): Rr[] =>
  lines.map((l) => parseRecord(l.text, ROOT, 3600));

const isDenial = (rr: Rr): boolean => rr.type === RrType.NSEC || rr.type === RrType.NSEC3;

function covered(rr: Rr): number | undefined {
  return rr.type === RrType.RRSIG ? parseRrsig(rr.rdata)?.typeCovered : undefined;
}

interface Case {
  proof: string;
  verdict: Verdict;
}

/** The proof a response calls for, run on its records; undefined when it calls for none. */
function proveResponse(e: RplEntry, qname: Name, qtype: number): Case | undefined {
  const authority = records(e.authority);
  const answer = records(e.answer);
  const denial = authority.filter(isDenial);
  const soa = authority.find((r) => r.type === RrType.SOA);
  const denialSig = authority.find((r) => {
    const type = covered(r);
    return type === RrType.NSEC || type === RrType.NSEC3;
  });
  const zone = denialSig ? parseRrsig(denialSig.rdata)!.signer : soa?.owner;
  if (!zone || (denial.length === 0 && !soa)) return undefined;
  if (e.rcode === 3) return { proof: "name error", verdict: proveNameError(qname, zone, denial) };
  const sig = answer.find((r) => covered(r) === qtype && nameEquals(r.owner, qname));
  if (sig) {
    const labels = parseRrsig(sig.rdata)!.labels;
    if (labels >= labelCount(qname)) return undefined;
    return {
      proof: `wildcard expansion (Labels ${labels})`,
      verdict: proveWildcardAnswer(qname, labels, zone, denial),
    };
  }
  if (answer.length > 0) return undefined;
  const ns = authority.find((r) => r.type === RrType.NS);
  if (!soa && ns) {
    return {
      proof: `no DS at ${nameToText(ns.owner)}`,
      verdict: proveNoDs(ns.owner, zone, denial),
    };
  }
  return { proof: "NODATA", verdict: proveNoData(qname, qtype, zone, denial) };
}

interface Check {
  scenario: string;
  question: string;
  expected: Security;
  response: string;
  proof: string;
  verdict: Verdict;
}

function checks(file: string): Check[] {
  const scenario = parseScenario(read(file));
  const out: Check[] = [];
  for (const step of scenario.steps) {
    if (step.kind !== "CHECK_ANSWER" || !step.entry) continue;
    const q = step.entry.question[0]!;
    const expected: Security =
      step.entry.rcode === 2 ? "bogus" : step.entry.flags.ad ? "secure" : "insecure";
    for (const entry of scenario.ranges.flatMap((r) => r.entries)) {
      const rq = entry.question[0];
      if (!rq || !isSubdomain(q.name, rq.name)) continue;
      const same = nameEquals(rq.name, q.name) && rq.type === q.type;
      const c = proveResponse(entry, rq.name, rq.type);
      if (!c || (!same && !c.proof.startsWith("no DS"))) continue;
      out.push({
        scenario: file,
        question: `${nameToText(q.name)} ${typeToText(q.type)}`,
        expected,
        response: `line ${entry.line}`,
        ...c,
      });
    }
  }
  return out;
}

const all = SCENARIOS.flatMap(checks);

describe("Deckard and Unbound replay scenarios: denial proofs agree with the checked answers", () => {
  it("finds at least one response with a proof in every scenario listed", () => {
    for (const file of SCENARIOS)
      expect(
        all.some((c) => c.scenario === file),
        file,
      ).toBe(true);
  });

  it.each(all.map((c) => [`${c.scenario} ${c.question}, ${c.proof} (${c.response})`, c] as const))(
    "%s",
    (_, c) => {
      expect(c.verdict.security, c.verdict.reason?.message).toBe(c.expected);
    },
  );
});
