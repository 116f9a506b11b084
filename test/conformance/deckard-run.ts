/**
 * Runs Deckard scenarios against the evidence gatherer: every STEP QUERY is
 * looked up with `gather` at the scenario's date and trust anchors over the
 * in-process replay network, and the following CHECK_ANSWER is compared
 * with the gatherer's verdict:
 * - AD expected: secure, with the expected RCODE;
 * - SERVFAIL expected: bogus (an alias loop, indeterminate with reason
 *   "cname-loop", also counts: the resolver fails it for the same cause);
 * - an answer without AD to a query that asked for DNSSEC (DO or AD set):
 *   insecure, with the expected RCODE; to a query that did not ask, AD
 *   says nothing, so secure or insecure with the expected RCODE;
 * - a CD query: the RCODE only (the resolver does not validate).
 *
 * A step listed as excluded (EXCLUDED.md, "Steps excluded") is not asked;
 * its result says why, and the scenario is judged on its other steps.
 */
import { readFileSync } from "node:fs";
import { nameToText } from "../../src/dns/name.js";
import { parseName } from "../../src/dns/name.js";
import { typeToText } from "../../src/dns/rr.js";
import { parseAnchorRecords, TrustAnchorSet } from "../../src/dnssec/anchors.js";
import { gather, type Evidence } from "../../src/probe/gatherer.js";
import { ReplayTransport } from "../support/replay-transport.js";
import { parseScenario, type RplEntry } from "../support/rpl.js";

/**
 * The IPv4 addresses of the root servers a through m (with b's older
 * address too), the built-in hints a resolver starts from when a scenario
 * names no stub address.
 */
const ROOT_HINTS = [
  "198.41.0.4",
  "199.9.14.201",
  "192.228.79.201",
  "192.33.4.12",
  "199.7.91.13",
  "192.203.230.10",
  "192.5.5.241",
  "192.112.36.4",
  "198.97.190.53",
  "192.36.148.17",
  "192.58.128.30",
  "193.0.14.129",
  "199.7.83.42",
  "202.12.27.33",
];

export interface StepResult {
  step: number;
  question: string;
  ok: boolean;
  detail: string;
  /** Why the step was not asked, when it is excluded. */
  excluded?: string;
}

export interface ScenarioResult {
  ok: boolean;
  steps: StepResult[];
  /** The first failure, in one line. */
  reason: string;
}

const RCODE_NAMES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"];
const rcodeText = (r: number): string => RCODE_NAMES[r] ?? `RCODE${r}`;

function describe(e: Evidence): string {
  const why = e.verdict.reason ? ` (${e.verdict.reason.kind}: ${e.verdict.reason.message})` : "";
  const rcode = e.final ? rcodeText(e.final.rcode) : "no answer";
  return `${e.verdict.security}${why}, ${rcode}, ${e.queries} queries`;
}

/** Compares one lookup with the expected answer; undefined when it matches, else why not. */
export function compare(query: RplEntry, expected: RplEntry, e: Evidence): string | undefined {
  const got = describe(e);
  const rcodeOk = e.final?.rcode === expected.rcode;
  const want = rcodeText(expected.rcode);
  if (query.flags.cd) {
    return rcodeOk ? undefined : `CD query: expected ${want}, got ${got}`;
  }
  if (expected.rcode === 2) {
    const s = e.verdict.security;
    const loop = s === "indeterminate" && e.verdict.reason?.kind === "cname-loop";
    return s === "bogus" || loop ? undefined : `expected SERVFAIL (bogus), got ${got}`;
  }
  if (!rcodeOk) return `expected ${want}, got ${got}`;
  if (expected.flags.ad) {
    return e.verdict.security === "secure"
      ? undefined
      : `expected ${want} with AD (secure), got ${got}`;
  }
  const asked = query.flags.do || query.flags.ad;
  if (asked) {
    return e.verdict.security === "insecure"
      ? undefined
      : `expected ${want} without AD (insecure), got ${got}`;
  }
  const s = e.verdict.security;
  return s === "insecure" || s === "secure"
    ? undefined
    : `expected ${want} (not validated), got ${got}`;
}

/** Runs one scenario file. */
export async function runScenario(
  path: string,
  excludedSteps: ReadonlyMap<number, string> = new Map(),
): Promise<ScenarioResult> {
  const scenario = parseScenario(readFileSync(path, "latin1"));
  const { config } = scenario;
  let anchors = new TrustAnchorSet();
  if (config.trustAnchors.length > 0) {
    const parsed = parseAnchorRecords(config.trustAnchors.join("\n"), { file: "trust-anchor" });
    if (!parsed.ok)
      return { ok: false, steps: [], reason: `trust anchor: ${parsed.error.message}` };
    anchors = parsed.anchors;
  }
  const given = [...config.stubAddrs, ...config.forwardAddrs];
  const servers = (given.length > 0 ? given : ROOT_HINTS).map((address) => ({ address, port: 53 }));
  const transport = new ReplayTransport(scenario);
  let now = config.now ?? 0;
  const results: StepResult[] = [];
  let pending: { id: number; entry: RplEntry; evidence: Evidence } | undefined;
  let skipping: { id: number; question: string; why: string } | undefined;
  for (const step of scenario.steps) {
    if (step.kind === "TIME_PASSES") {
      now += step.elapse ?? 0;
    } else if (step.kind === "QUERY" && step.entry) {
      const q = step.entry.question[0];
      if (!q) continue;
      const why = excludedSteps.get(step.id);
      if (why !== undefined) {
        skipping = { id: step.id, question: `${nameToText(q.name)} ${typeToText(q.type)}`, why };
        pending = undefined;
        continue;
      }
      skipping = undefined;
      transport.step = step.id;
      const evidence = await gather(
        { name: q.name, type: q.type },
        {
          transport,
          anchors,
          rootServers: servers,
          now,
          negativeAnchors: config.domainInsecure.map((n) =>
            parseName(n.endsWith(".") ? n : n + "."),
          ),
          limits: { queryTimeoutMs: 50, retries: 0 },
        },
      );
      pending = { id: step.id, entry: step.entry, evidence };
    } else if (step.kind === "CHECK_ANSWER" && step.entry) {
      if (skipping) {
        const { id, question, why } = skipping;
        results.push({ step: id, question, ok: true, detail: "excluded", excluded: why });
        skipping = undefined;
        continue;
      }
      if (!pending) continue;
      const q = pending.entry.question[0]!;
      const question = `${nameToText(q.name)} ${typeToText(q.type)}`;
      const why = compare(pending.entry, step.entry, pending.evidence);
      results.push({
        step: pending.id,
        question,
        ok: why === undefined,
        detail: why ?? describe(pending.evidence),
      });
      pending = undefined;
    }
  }
  const failed = results.find((r) => !r.ok);
  const checked = results.filter((r) => r.excluded === undefined);
  if (checked.length === 0) return { ok: false, steps: results, reason: "no CHECK_ANSWER step" };
  const skipped = results.filter((r) => r.excluded !== undefined).map((r) => r.step);
  const note = skipped.length > 0 ? `, step ${skipped.join(", ")} excluded` : "";
  return {
    ok: !failed,
    steps: results,
    reason: failed
      ? `step ${failed.step} ${failed.question}: ${failed.detail}`
      : `${checked.length} checks${note}`,
  };
}

export interface Exclusion {
  file: string;
  reason: string;
}

/**
 * Reads the steps excluded from scenarios that otherwise run: lines
 * "| `file.rpl` step N | reason |" of EXCLUDED.md, by file, then by step.
 */
export function readStepExclusions(text: string): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const line of text.split("\n")) {
    const m = /^\|\s*`([^`]+\.rpl)`\s+step\s+(\d+)\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (!m) continue;
    const steps = out.get(m[1]!) ?? new Map<number, string>();
    steps.set(Number(m[2]), m[3]!);
    out.set(m[1]!, steps);
  }
  return out;
}

/** Reads the exclusion list: lines "| `file.rpl` | reason |" of EXCLUDED.md. */
export function readExclusions(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^\|\s*`([^`]+\.rpl)`\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}
