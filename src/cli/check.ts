/**
 * `nta-watch check ZONE --config FILE [--json]`: one probe round of ZONE
 * now, from every configured vantage and every authoritative server of the
 * zone, then a summary, the three preconditions with their evidence and
 * what the lifecycle would do (check-decision.ts). Exit status: 0 when the zone validates (secure, or
 * legitimately insecure), 1 when it does not (bogus, or nothing could be
 * checked), 2 for a usage or configuration error. -h/--help prints the usage.
 */
import { parseArgs } from "node:util";
import { formatConfigErrors, loadConfig, loadTrustAnchors } from "../config/load.js";
import { lowerName, NameSyntaxError, nameToText, parseName } from "../dns/name.js";
import { ProbeEngine, type EngineOptions } from "../probe/engine.js";
import { checkDecision, renderDecision } from "./check-decision.js";
import {
  checkReport,
  exitStatusOf,
  type CheckReport,
  type CheckResult,
  type CheckVantage,
} from "../probe/report.js";

const USAGE = `usage: nta-watch check ZONE --config FILE [--json]

  probes ZONE once from every vantage and authoritative server of the configuration,
  then prints the three preconditions and what the lifecycle would do
  --json  the report as JSON

exit status: 0 the zone validates, 1 it does not, 2 usage or configuration error`;

function usage(message: string): number {
  console.error(`nta-watch check: ${message}\n${USAGE}`);
  return 2;
}

function edeText(r: CheckResult): string {
  if (r.ede.length === 0) return "-";
  return r.ede.map((e) => (e.text ? `${e.code} (${e.text})` : String(e.code))).join(", ");
}

function resultLine(r: CheckResult, recursive: boolean): string {
  const answer = !r.reachable
    ? "no answer"
    : recursive
      ? `${r.rcode ?? "-"}${r.ad ? " AD" : ""} EDE ${edeText(r)}`
      : `${r.rcode ?? "-"}`;
  const why = r.reason ? ` ${r.reason.kind}: ${r.reason.message}` : "";
  return `    ${r.canary.padEnd(18)} ${`${r.qname} ${r.type}`.padEnd(40)} ${answer.padEnd(22)} ${r.verdict}${why}`;
}

function vantageBlock(v: CheckVantage): string[] {
  const head =
    v.kind === "recursive"
      ? `  ${v.name} (${v.address}, ${v.software ?? "other"}): ${v.verdict}`
      : `  ${v.host ?? v.name} (${v.address}): ${v.verdict}`;
  return [head, ...v.results.map((r) => resultLine(r, v.kind === "recursive"))];
}

/** The report as text for people. */
export function renderCheck(report: CheckReport): string {
  const lines = [
    `zone ${report.zone} at ${report.at}`,
    "",
    "recursive vantages (CD=0 answer, local verdict):",
  ];
  for (const v of report.vantages.filter((x) => x.kind === "recursive"))
    lines.push(...vantageBlock(v));
  lines.push("", "authoritative servers (direct answer, local verdict):");
  const auth = report.vantages.filter((x) => x.kind === "authoritative");
  if (auth.length === 0) lines.push("  none found");
  for (const v of auth) lines.push(...vantageBlock(v));
  for (const c of report.control) {
    lines.push("", `control zone ${c.zone}:`);
    for (const v of c.vantages) lines.push(`  ${v.name}: ${v.verdict}`);
  }
  if (report.missingCanaries.length > 0) {
    lines.push("", `canaries left out: ${report.missingCanaries.join(", ")}`);
  }
  const s = report.summary;
  const why = s.reason ? ` (${s.reason.kind}: ${s.reason.message})` : "";
  lines.push(
    "",
    `summary: ${s.verdict}${why}`,
    `  ${s.failingVantages} of ${s.totalVantages} vantages fail` +
      (s.unreachableVantages > 0 ? `, ${s.unreachableVantages} unreachable` : ""),
    `  ${s.failingAuthoritatives} of ${s.totalAuthoritatives} authoritative servers fail` +
      (s.unreachableAuthoritatives > 0 ? `, ${s.unreachableAuthoritatives} unreachable` : ""),
  );
  return lines.join("\n");
}

/** Runs the command; `engineOptions` lets tests inject a transport or a clock. */
export async function run(args: string[], engineOptions: EngineOptions = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        config: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const [zoneText, ...extra] = parsed.positionals;
  if (zoneText === undefined) return usage("no zone given");
  if (extra.length > 0) return usage(`unexpected argument "${extra[0]}"`);
  if (parsed.values.config === undefined) return usage("--config FILE is required");
  let zone: string;
  try {
    zone = nameToText(lowerName(parseName(zoneText.endsWith(".") ? zoneText : `${zoneText}.`)));
  } catch (e) {
    if (!(e instanceof NameSyntaxError)) throw e;
    return usage(`bad zone name: ${e.message}`);
  }
  const loaded = await loadConfig(parsed.values.config);
  if (!loaded.ok) {
    console.error(formatConfigErrors(loaded));
    return 2;
  }
  const anchors = await loadTrustAnchors(loaded.config, loaded.file);
  if (!anchors.ok) {
    console.error(formatConfigErrors({ file: loaded.file, errors: anchors.errors }));
    return 2;
  }
  const engine = new ProbeEngine(loaded.config, anchors.anchors, engineOptions);
  const result = await engine.round(zone);
  const report = checkReport(result.round, {
    addresses: new Map(loaded.config.vantages.map((v) => [v.name, v.address])),
    missingCanaries: result.missingCanaries,
  });
  // The three preconditions and the lifecycle's next step, with the store's history.
  const now = engineOptions.now?.() ?? Math.floor(Date.now() / 1000);
  const decision = checkDecision(result.round, loaded.config, loaded.file, now);
  console.log(
    parsed.values.json
      ? JSON.stringify({ ...report, ...decision }, null, 2)
      : `${renderCheck(report)}\n\n${renderDecision(decision)}`,
  );
  return exitStatusOf(report.summary);
}
