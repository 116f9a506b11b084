/**
 * Precondition 3, no security value in rejecting: the failure looks like a
 * broken signing pipeline, not an attack (RFC 7646 §7; DESIGN: the three
 * preconditions). Four tests, all on the latest round:
 *
 * 1. The kinds of failure are those operators make: expired or not-yet-valid
 *    signatures, DS/DNSKEY mismatch, missing keys or signatures, bad denial
 *    proofs, and signatures that do not verify across the whole zone.
 * 2. Every path serving bad data serves the same RRset bytes, across
 *    vantages and authoritative servers, and the unsigned data on bad paths
 *    is what good paths serve. RRSIGs that differ among bad paths over the
 *    same RRset are a note, not evidence: a signer re-signing between two
 *    queries, or several signers behind one name, give exactly that, and
 *    signatures that do not validate let no other data through.
 * 3. The unsigned data on bad paths matches the last known good.
 * 4. Every DNSKEY and DS record on a bad path, and the SOA's MNAME and RNAME,
 *    is served by an authoritative server in this round or held by the last
 *    known good (unpublished-records.ts).
 *
 * A failure of 2, 3 or 4 is tampering evidence: not met, and flagged. Tests
 * 2 to 4 need records to compare: when no path with bad data served any
 * (NXDOMAIN without a proof everywhere, as a network answering in everyone's
 * place gives), nothing was compared and the precondition is not met.
 *
 * Limitations: whole RRsets of types that change with every re-signing or
 * rollover (SOA, DNSKEY, DS, NSEC, NSEC3, NSEC3PARAM, CDS, CDNSKEY) and name
 * errors are compared among bad paths only, not with good paths nor with the
 * last known good; for DNSKEY, DS and SOA test 4 compares record by record
 * instead. So with the derived canaries alone, a path that forges a denial
 * proof (NSEC, NSEC3) or the SOA's serial or timers while keeping the keys,
 * the DS and the SOA's names is caught only when it differs from another bad
 * path; forged data of other types is caught by tests 2 and 3 on configured
 * canaries (an A or NS RRset under the zone). Test 4 needs an authoritative
 * server answering the canary in the same round; without one, records the
 * last known good lacks leave the precondition not met, without a tampering
 * alarm. CDS and CDNSKEY records are not compared one by one.
 */

import type { Thresholds } from "../config/thresholds.js";
import type { ReasonKind } from "../dnssec/verdict.js";
import type { Observation, Round } from "../probe/observation.js";
import {
  canaryKey,
  distinct,
  fails,
  insecureByPolicy,
  locallyBogus,
  validates,
} from "./classify.js";
import { vantageLabel } from "./classify.js";
import type { LastKnownGood } from "./last-known-good.js";
import type {
  FingerprintGroup,
  NoSecurityValue,
  NoSecurityValueFigures,
  SignatureVariants,
  TamperingFigures,
} from "./types.js";
import { describeRecords, findUnpublishedRecords } from "./unpublished-records.js";

/** Kinds a broken signing pipeline produces (RFC 4035 §5.2-5.4, RFC 5155 §8). */
const OPERATOR_KINDS: ReadonlySet<ReasonKind> = new Set<ReasonKind>([
  "signature-expired",
  "signature-not-yet-valid",
  "signature-window-inverted",
  "signature-invalid",
  "rrsigs-missing",
  "no-matching-dnskey",
  "dnskey-missing",
  "no-dnskey-matches-ds",
  "nsec-missing",
  "denial-invalid",
  "wildcard-proof-missing",
]);

/** Types whose bytes legitimately change with re-signing or a rollover. */
const VOLATILE_TYPES: ReadonlySet<string> = new Set([
  "SOA",
  "DNSKEY",
  "DS",
  "RRSIG",
  "NSEC",
  "NSEC3",
  "NSEC3PARAM",
  "CDS",
  "CDNSKEY",
]);

/**
 * Answers whose bytes legitimately differ from round to round, or between a
 * bad and a good path: types rewritten by re-signing or a rollover, and name
 * errors, whose proof covers a name drawn at random each round (the probe
 * engine's "nxdomain" canary). These are compared among bad paths only.
 */
function changesEveryRound(o: Observation): boolean {
  return (
    VOLATILE_TYPES.has(o.canary.type.toUpperCase()) ||
    o.canary.id === "nxdomain" ||
    o.rawAnswer?.rcode.toUpperCase() === "NXDOMAIN"
  );
}

const NO_RECORDS = "(no records)";
const NO_RRSIG = "(no RRSIG)";

/** The answer held records (an RRset, or a negative answer's NSEC or NSEC3 proof). */
function servedRecords(o: Observation): boolean {
  return o.fingerprints?.rrset !== undefined || (o.fingerprints?.records?.length ?? 0) > 0;
}

function groups(observations: readonly Observation[], value: (o: Observation) => string) {
  const byValue = new Map<string, string[]>();
  for (const o of observations) {
    const v = value(o);
    byValue.set(v, [...(byValue.get(v) ?? []), vantageLabel(o.vantage)]);
  }
  return [...byValue].map(([fingerprint, paths]): FingerprintGroup => ({ fingerprint, paths }));
}

function describeGroups(gs: readonly FingerprintGroup[]): string {
  return gs.map((g) => `${g.fingerprint.slice(0, 12)} from ${g.paths.join(", ")}`).join(" vs ");
}

function findTampering(
  observations: readonly Observation[],
  lkg: LastKnownGood,
  figures: NoSecurityValueFigures,
): TamperingFigures {
  const records = findUnpublishedRecords(observations, lkg);
  figures.publisherRecords = {
    compared: records.compared,
    unchecked: records.unchecked,
    unexplained: records.unexplained,
  };
  const variants: SignatureVariants[] = [];
  figures.signatureVariants = variants;
  const found: TamperingFigures = {
    differingBadPaths: [],
    differingFromGoodPaths: [],
    changedSinceLastKnownGood: [],
    unpublishedRecords: records.unpublished,
  };
  const withData = observations.filter((o) => o.reachable && o.fingerprints !== undefined);
  for (const canary of distinct(withData.map((o) => canaryKey(o.canary)))) {
    const mine = withData.filter((o) => canaryKey(o.canary) === canary);
    const bad = mine.filter(locallyBogus);
    if (bad.length === 0) continue;
    const rrset = (o: Observation) => o.fingerprints?.rrset ?? NO_RECORDS;
    const badRrsets = groups(bad, rrset);
    if (badRrsets.length > 1) {
      found.differingBadPaths.push({ canary, field: "rrset", groups: badRrsets });
    }
    // Same RRset, other RRSIGs: a re-signing in progress or several signers, not evidence.
    const badRrsigs = groups(bad, (o) => o.fingerprints?.rrsigs ?? NO_RRSIG);
    if (badRrsets.length === 1 && badRrsigs.length > 1) {
      variants.push({ canary, groups: badRrsigs });
    }
    if (bad.some(changesEveryRound)) continue;
    const good = groups(mine.filter(validates), rrset);
    const badSet = new Set(badRrsets.map((g) => g.fingerprint));
    if (good.some((g) => !badSet.has(g.fingerprint)) && good.length > 0) {
      found.differingFromGoodPaths.push({ canary, bad: badRrsets, good });
    }
    const known = lkg[canary];
    if (known === undefined) figures.lastKnownGood.unknown++;
    else if (badRrsets.every((g) => g.fingerprint === known.rrset)) figures.lastKnownGood.matched++;
    else {
      figures.lastKnownGood.changed++;
      found.changedSinceLastKnownGood.push({ canary, lastKnownGood: known.rrset, seen: badRrsets });
    }
  }
  return found;
}

function describeTampering(f: TamperingFigures): string {
  const parts: string[] = [];
  for (const d of f.differingBadPaths) {
    parts.push(
      `${d.canary}: bad paths serve ${d.groups.length} different RRsets ` +
        `(${describeGroups(d.groups)})`,
    );
  }
  for (const d of f.differingFromGoodPaths) {
    parts.push(
      `${d.canary}: bad paths serve other data than good paths ` +
        `(${describeGroups([...d.bad, ...d.good])})`,
    );
  }
  for (const d of f.changedSinceLastKnownGood) {
    parts.push(
      `${d.canary}: data changed with the break (last known good ` +
        `${d.lastKnownGood.slice(0, 12)}, now ${describeGroups(d.seen)})`,
    );
  }
  for (const d of f.unpublishedRecords ?? []) {
    parts.push(
      `${d.canary}: ${d.paths.join(", ")} serve${d.paths.length === 1 ? "s" : ""} ` +
        `${describeRecords(d.type, d.records.length)} no authoritative ` +
        `server serves and the last known good does not hold ` +
        `(${d.records.map((r) => r.slice(0, 12)).join(", ")})`,
    );
  }
  return `tampering suspected, never propose: ${parts.join("; ")}`;
}

function keyTagFigures(bogus: readonly Observation[]) {
  const sorted = (xs: Iterable<number>) => distinct(xs).sort((a, b) => a - b);
  const colliding = new Set<number>();
  for (const o of bogus) {
    const seen = new Set<number>();
    for (const tag of o.keyTags.dnskey) {
      if (seen.has(tag)) colliding.add(tag);
      seen.add(tag);
    }
  }
  return {
    keyTags: {
      dnskey: sorted(bogus.flatMap((o) => o.keyTags.dnskey)),
      ds: sorted(bogus.flatMap((o) => o.keyTags.ds)),
      rrsig: sorted(bogus.flatMap((o) => o.keyTags.rrsig)),
    },
    collidingKeyTags: sorted(colliding),
  };
}

/** Precondition 3 on the latest round, against the last-known-good fingerprints. */
export function assessNoSecurityValue(
  round: Round | undefined,
  lkg: LastKnownGood,
  t: Thresholds,
): NoSecurityValue {
  const observations = round?.observations ?? [];
  const reachable = observations.filter((o) => o.reachable);
  const bogus = reachable.filter(locallyBogus);
  const kinds: Partial<Record<ReasonKind, number>> = {};
  for (const o of bogus) {
    const kind = o.verdict.reason?.kind ?? "malformed";
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  const canaryOf = (o: Observation) => canaryKey(o.canary);
  const signatureInvalid = bogus.filter((o) => o.verdict.reason?.kind === "signature-invalid");
  const figures: NoSecurityValueFigures = {
    kinds,
    nonOperatorKinds: (Object.keys(kinds) as ReasonKind[]).filter((k) => !OPERATOR_KINDS.has(k)),
    canariesCompared: distinct(bogus.filter(servedRecords).map(canaryOf)).length,
    signatureInvalidCanaries: distinct(signatureInvalid.map(canaryOf)).length,
    canariesObserved: distinct(reachable.map(canaryOf)).length,
    ...keyTagFigures(bogus),
    userOnlyFailures: reachable.filter((o) => fails(o) && !locallyBogus(o)).length,
    lastKnownGood: { matched: 0, unknown: 0, changed: 0 },
    insecureByPolicy: reachable.filter(insecureByPolicy).length,
  };

  const tamper = findTampering(observations, lkg, figures);
  const tampered =
    tamper.differingBadPaths.length +
      tamper.differingFromGoodPaths.length +
      tamper.changedSinceLastKnownGood.length +
      (tamper.unpublishedRecords?.length ?? 0) >
    0;
  if (tampered) {
    const summary = describeTampering(tamper);
    return {
      met: false,
      evidence: { summary, figures },
      tampering: { summary, figures: tamper },
    };
  }
  const not = (summary: string): NoSecurityValue => ({
    met: false,
    evidence: { summary, figures },
  });
  if (bogus.length === 0) {
    if (figures.insecureByPolicy > 0 && figures.userOnlyFailures === 0) {
      return not(
        "the zone is insecure by its algorithm or NSEC3 iterations, which is not a break: nothing to excuse",
      );
    }
    const users =
      figures.userOnlyFailures > 0
        ? `; ${figures.userOnlyFailures} user answers fail at vantages whose raw data ` +
          `validates (their caches or software)`
        : "";
    return not(`our own validation finds no bogus data${users}`);
  }
  const unexplained = figures.publisherRecords?.unexplained ?? [];
  if (unexplained.length > 0) {
    return not(
      `no authoritative server answered, so nothing vouches for ` +
        unexplained
          .map(
            (d) =>
              `${describeRecords(d.type, d.records.length)} on ${d.canary} ` +
              `(${d.paths.join(", ")}) the last known good lacks`,
          )
          .join("; ") +
        `: a rollover cannot be told from forged keys`,
    );
  }
  if (figures.nonOperatorKinds.length > 0) {
    return not(
      `failure kinds a signing pipeline does not produce: ${figures.nonOperatorKinds.join(", ")}`,
    );
  }
  if (figures.canariesCompared === 0) {
    // Same kinds everywhere prove nothing by themselves: a path answering in
    // everyone's place (an intercepting network) gives that too.
    return not(
      "no path with bad data served any record (answers without data, such as NXDOMAIN " +
        "without a proof): nothing to compare with other paths or the last known good",
    );
  }
  // signature-invalid counts only zone-wide: one forged RRset is not a broken signer.
  const invalidShare = figures.signatureInvalidCanaries / Math.max(1, figures.canariesObserved);
  if (signatureInvalid.length > 0 && invalidShare < t.minCanaryShare) {
    return not(
      `signatures do not verify on only ${figures.signatureInvalidCanaries} of ` +
        `${figures.canariesObserved} canaries: not zone-wide`,
    );
  }
  const kindText = Object.entries(kinds)
    .map(([k, n]) => `${k} ×${n}`)
    .join(", ");
  const tags =
    figures.keyTags.rrsig.length > 0 ? `; RRSIG key tags ${figures.keyTags.rrsig.join(", ")}` : "";
  const collision =
    figures.collidingKeyTags.length > 0
      ? `; DNSKEY key tag collision on ${figures.collidingKeyTags.join(", ")}`
      : "";
  const known = figures.lastKnownGood;
  return {
    met: true,
    evidence: {
      summary:
        `operator-style failure (${kindText})${tags}${collision}; every path with bad data serves ` +
        `the same RRset bytes on each of the ${figures.canariesCompared} canaries compared; ` +
        `unsigned data matches the last known good on ${known.matched} ` +
        `canaries (${known.unknown} without a record)${publisherNote(figures)}` +
        `${variantsNote(figures)}`,
      figures,
    },
  };
}

function publisherNote(f: NoSecurityValueFigures): string {
  const { compared, unchecked } = f.publisherRecords ?? { compared: [], unchecked: [] };
  const same =
    compared.length > 0
      ? `; keys, DS and SOA names on bad paths are those the authoritative servers serve ` +
        `or the last known good holds (${compared.join(", ")})`
      : "";
  const not =
    unchecked.length > 0
      ? `; keys, DS and SOA names on ${unchecked.join(", ")} only compared with the last ` +
        `known good: no authoritative server answered`
      : "";
  return same + not;
}

function variantsNote(f: NoSecurityValueFigures): string {
  const v = f.signatureVariants ?? [];
  if (v.length === 0) return "";
  return (
    `; note: RRSIGs differ among bad paths over the same data on ` +
    `${v.map((d) => `${d.canary} (${describeGroups(d.groups)})`).join("; ")}: ` +
    `re-signing in progress or several signers, not tampering`
  );
}
