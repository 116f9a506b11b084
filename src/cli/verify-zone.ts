/**
 * `nta-watch verify-zone FILE --origin NAME [--at TIME] [--anchor FILE] [--json]`
 *
 * Verifies every signature of a zone file at a given time (now by default)
 * and, with --anchor, the zone's DNSKEY RRset against trust anchors read
 * from a file (DS or DNSKEY records, IANA root-anchors.xml, or a BIND
 * trust-anchors clause). TIME is RFC 3339, UNIX seconds, or YYYYMMDDHHmmSS
 * as in RRSIG presentation format (RFC 4034 §3.2: 14 digits are a date).
 *
 * Exit status: 0 nothing bogus, 1 something bogus (a failing signature, an
 * unsigned RRset in a signed zone, a broken chain of trust), 2 usage or
 * input error (messages name the file and line).
 *
 * Start-up matters here (this runs in scripts and CI): only the zone-file
 * scanner and the verifier are loaded up front; the anchor readers when
 * --anchor is given, node:worker_threads when --threads asks for workers. The zone is read into columns (zonefile-scan.ts, with
 * parseZone only to name an error), sorted by planScan, and its signatures
 * checked as tasks (zone-verifier-crypto.ts): by default each task goes to
 * libuv's thread pool as soon as it is made (zone-verifier-async.ts);
 * `--threads 0` verifies them all on this thread once made, `--threads N`
 * starts N worker threads for them before the zone is read.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { NameSyntaxError, nameToText, parseName, type Name } from "../dns/name.js";
import { parseZone } from "../dns/zonefile.js";
import type { Rr } from "../dns/rr.js";
import { scanZone } from "../dns/zonefile-scan.js";
import { finishZone, planZone, type ZonePlan, type ZoneReport } from "../dnssec/zone-verifier.js";
import { planScan } from "../dnssec/zone-verifier-scan.js";
import { jobResults, prepareSignatures } from "../dnssec/zone-verifier-crypto.js";
import type { SignaturePool } from "../dnssec/zone-verifier-crypto-pool.js";
import { verifyOnThreadPool } from "../dnssec/zone-verifier-async.js";
import { verifyAllHere } from "../dnssec/zone-verifier-tasks.js";

export const USAGE =
  "usage: nta-watch verify-zone FILE --origin NAME [--at TIME] [--anchor FILE] [--json] [--threads N]";

const MAX_THREADS = 64;

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
  /** Seconds since the epoch. */
  now(): number;
}

const processIo: Io = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  readFile: (p) => readFile(p, "utf8"),
  now: () => Math.floor(Date.now() / 1000),
};

/** Bad arguments (usage is shown) or unreadable input (it is not). */
class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

const inputError = (message: string): UsageError => new UsageError(message, false);

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** TIME as seconds since the epoch. */
export function parseTime(text: string): number {
  if (/^\d{14}$/.test(text)) {
    // RFC 4034 §3.2: YYYYMMDDHHmmSS, UTC.
    const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:${text.slice(12, 14)}Z`;
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new UsageError(`--at ${text}: not a valid date`);
    return ms / 1000;
  }
  if (/^\d{1,13}$/.test(text)) return Number(text);
  if (RFC3339.test(text)) {
    const ms = Date.parse(text.replace(" ", "T"));
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw new UsageError(
    `--at ${text}: expected RFC 3339 (2017-08-25T00:00:00Z), UNIX seconds or YYYYMMDDHHmmSS`,
  );
}

function iso(t: number): string {
  return new Date(t * 1000).toISOString().replace(".000Z", "Z");
}

async function loadAnchors(
  file: string,
  origin: Name,
  now: number,
  io: Io,
): Promise<{ ds: Rr[]; dnskey: Rr[]; note: string }> {
  const { parseTrustAnchors } = await import("../dnssec/anchor-file.js");
  const parsed = parseTrustAnchors(await io.readFile(file), { file });
  if (!parsed.ok) {
    const { line, message } = parsed.error;
    throw inputError(`${file}${line === undefined ? "" : `:${line}`}: ${message}`);
  }
  const za = parsed.anchors.forZone(origin, now);
  if (!za || za.ds.length + za.dnskey.length === 0) {
    const out = za?.outOfWindow.map((a) => `${a.keyTag}`).join(", ");
    throw inputError(
      `${file}: no trust anchor for ${nameToText(origin)} in force at ${iso(now)}` +
        (out ? ` (outside their validity window: key tags ${out})` : ""),
    );
  }
  const tags = (rrs: Rr[]) =>
    rrs.map((r) => (r.type === 43 ? (r.rdata[0]! << 8) | r.rdata[1]! : "key")).join(", ");
  const parts = [];
  if (za.ds.length > 0) parts.push(`DS ${tags(za.ds)}`);
  if (za.dnskey.length > 0) parts.push(`${za.dnskey.length} DNSKEY`);
  return { ds: za.ds, dnskey: za.dnskey, note: `${parts.join(" and ")} from ${file}` };
}

const SHOWN_FAILURES = 100;

function summary(report: ZoneReport, anchorNote: string | undefined): string {
  const lines = [
    `zone ${report.zone} at ${iso(report.now)}: ${report.rrsets} RRsets, ${report.signatures} signatures`,
    `  secure ${report.secure}, bogus ${report.bogus}, insecure ${report.insecure}` +
      ` (${report.skipped} records not authoritative: delegations and glue)`,
  ];
  if (report.chain) {
    const why = report.chain.reason ? `: ${report.chain.reason.message}` : "";
    lines.push(`  chain of trust: ${report.chain.security} (${anchorNote})${why}`);
  }
  if (report.failures.length === 0) {
    lines.push("no failures");
  } else {
    lines.push(`failures (${report.failures.length}):`);
    for (const f of report.failures.slice(0, SHOWN_FAILURES)) {
      lines.push(`  ${f.owner} ${f.type} ${f.reason} (EDE ${f.ede}): ${f.message}`);
    }
    if (report.failures.length > SHOWN_FAILURES) {
      lines.push(
        `  ... and ${report.failures.length - SHOWN_FAILURES} more (--json lists them all)`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

function parseThreads(text: string): number {
  if (!/^\d{1,3}$/.test(text) || Number(text) > MAX_THREADS) {
    throw new UsageError(`--threads ${text}: expected 0..${MAX_THREADS} worker threads`);
  }
  return Number(text);
}

/**
 * The zone's plan: read in columns (zonefile-scan.ts), or, when that finds
 * an error, read again with parseZone, which names it and its line.
 */
function planText(text: string, opts: { file: string; origin: Name; now: number }): ZonePlan {
  const scan = scanZone(text, { origin: opts.origin });
  if (scan) return planScan(scan, opts);
  const zone = parseZone(text, { origin: opts.origin, file: opts.file });
  if (!zone.ok) throw inputError(`${opts.file}:${zone.error.line}: ${zone.error.message}`);
  return planZone(zone.records, opts);
}

/** Parses and verifies, sharing the signature tasks with the pool's workers if any. */
async function verify(
  text: string,
  opts: {
    file: string;
    origin: Name;
    now: number;
    /** Undefined: libuv's thread pool; 0: this thread only; more: that many workers. */
    threads: number | undefined;
    pool: SignaturePool | undefined;
    anchors?: { ds: Rr[]; dnskey: Rr[] };
  },
): Promise<ZoneReport> {
  const pool = opts.pool;
  const plan = planText(text, opts);
  if (plan.jobs.length === 0 && plan.early.length === 0) {
    const name = nameToText(opts.origin);
    throw inputError(`${opts.file}: no record at or below ${name}: is --origin right?`);
  }
  let results;
  if (opts.threads === undefined) {
    // The checks go to libuv's thread pool as they are made.
    results = await verifyOnThreadPool(plan);
  } else {
    const prepared = prepareSignatures(plan);
    const verdicts = pool ? await pool.verify(prepared.tasks) : verifyAllHere(prepared.tasks);
    results = jobResults(plan, prepared, verdicts);
  }
  return finishZone(plan, results, opts.anchors);
}

/** The command with its I/O passed in. */
export async function runWith(args: string[], io: Io): Promise<number> {
  let pool: SignaturePool | undefined;
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          origin: { type: "string", short: "o" },
          at: { type: "string", short: "t" },
          anchor: { type: "string", short: "a" },
          json: { type: "boolean" },
          threads: { type: "string" },
          help: { type: "boolean", short: "h" },
        },
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("give exactly one zone FILE");
    if (values.origin === undefined) throw new UsageError("--origin NAME is required");
    const file = positionals[0]!;
    let origin: Name;
    try {
      origin = parseName(values.origin.endsWith(".") ? values.origin : `${values.origin}.`);
    } catch (e) {
      if (e instanceof NameSyntaxError)
        throw new UsageError(`--origin ${values.origin}: ${e.message}`);
      throw e;
    }
    const now = values.at === undefined ? io.now() : parseTime(values.at);
    const threads = values.threads === undefined ? undefined : parseThreads(values.threads);
    // Workers start now, to be ready when the signature tasks are.
    if (threads) {
      const { SignaturePool } = await import("../dnssec/zone-verifier-crypto-pool.js");
      pool = new SignaturePool(threads);
    }

    const anchors =
      values.anchor === undefined ? undefined : await loadAnchors(values.anchor, origin, now, io);
    let text: string;
    try {
      text = await io.readFile(file);
    } catch (e) {
      throw inputError(`${file}: ${(e as Error).message}`);
    }
    const report = await verify(text, {
      file,
      origin,
      now,
      threads,
      pool,
      ...(anchors && { anchors: { ds: anchors.ds, dnskey: anchors.dnskey } }),
    });
    io.stdout(values.json ? `${JSON.stringify(report)}\n` : summary(report, anchors?.note));
    return report.bogus > 0 || report.failures.length > 0 ? 1 : 0;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`nta-watch verify-zone: ${e.message}\n${e.showUsage ? `${USAGE}\n` : ""}`);
    return 2;
  } finally {
    void pool?.close();
  }
}

export function run(args: string[]): Promise<number> {
  return runWith(args, processIo);
}
