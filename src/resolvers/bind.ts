/**
 * BIND 9, through rndc (bind9-utils), run with an argument array and no
 * shell. `rndc nta -lifetime Ns [-force] zone` adds or refreshes an NTA,
 * `nta -remove zone` takes it back, `nta -dump` lists them, `flushtree zone`
 * drops the cache below the zone.
 *
 * BIND keeps a lifetime of its own (at most one week) and, unless the NTA was
 * added with `-force`, checks every `nta-recheck` interval whether the zone
 * validates again and drops the NTA when it does. Our lifetime is passed as
 * BIND's, and `-force` is used when nta-watch owns retraction.
 *
 * Limitations: times in `nta -dump` are printed in the server's local time
 * zone with no offset; they are read here in the local time zone of this
 * process. Only the default view is managed unless a view is configured.
 */
import { programMessage, runProgram, type ExecOutput, type Runner } from "./exec.js";
import {
  controlZone,
  done,
  fail,
  normalizeListed,
  ok,
  type AddOptions,
  type NtaEntry,
  type ResolverAdapter,
  type Result,
} from "./types.js";

/** BIND refuses lifetimes over a week (`NTA lifetime cannot exceed one week`). */
export const BIND_MAX_LIFETIME_SECONDS = 604_800;

export interface BindOptions {
  name: string;
  /** The rndc program; default "rndc" from PATH. */
  rndc?: string;
  /** rndc.conf with the key and server (`-c`), or a key file (`-k`). */
  auth: { configFile: string } | { keyFile: string };
  /** The control channel; taken from rndc.conf when absent. */
  host?: string;
  port?: number;
  /** Add with `-force`: BIND does not drop the NTA when the zone validates again. */
  force: boolean;
  view?: string;
  timeoutMs: number;
  run?: Runner;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** "03-Dec-2026 20:46:59.000" read in the local time zone, or undefined. */
export function parseBindTime(text: string): number | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0"));
  const t = new Date(
    Number(m[3]),
    month,
    Number(m[1]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    ms,
  );
  return Number.isNaN(t.getTime()) ? undefined : t.getTime();
}

/**
 * Parses `rndc nta -dump`: one "name/view: expiry TIME" (or "expired TIME")
 * per line. Returns undefined when a non-empty line does not have that shape.
 */
export function parseNtaDump(text: string): NtaEntry[] | undefined {
  const entries: NtaEntry[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const m = /^(\S+?)(?:\/(\S+))?: (expiry|expired) (.+)$/.exec(line.trim());
    if (!m) return undefined;
    const raw = m[1]!;
    const entry: NtaEntry = { zone: normalizeListed(raw), raw };
    if (m[2] !== undefined) entry.view = m[2];
    const at = parseBindTime(m[4]!);
    if (at !== undefined) entry.expiresAt = at;
    if (m[3] === "expired") entry.expired = true;
    entries.push(entry);
  }
  return entries;
}

/** rndc's failure as an adapter error: connection problems apart from refusals. */
function rndcFailure(command: string, out: ExecOutput): Result<never> {
  const message = `rndc ${command}: ${programMessage(out)}`;
  if (/connection refused/i.test(message)) return fail("refused", message);
  if (/timed out/i.test(message)) return fail("timeout", message);
  if (/connect failed|bad auth|could not find server|host unreachable/i.test(message)) {
    return fail("unreachable", message);
  }
  return fail("rejected", message);
}

export class BindAdapter implements ResolverAdapter {
  readonly kind = "bind" as const;
  readonly name: string;
  private readonly options: BindOptions;
  private readonly exec: Runner;

  constructor(options: BindOptions) {
    this.name = options.name;
    this.options = options;
    this.exec = options.run ?? runProgram;
  }

  private async rndc(args: string[]): Promise<Result<string>> {
    const o = this.options;
    const base: string[] =
      "configFile" in o.auth ? ["-c", o.auth.configFile] : ["-k", o.auth.keyFile];
    if (o.host !== undefined) base.push("-s", o.host);
    if (o.port !== undefined) base.push("-p", String(o.port));
    const out = await this.exec(o.rndc ?? "rndc", [...base, ...args], o.timeoutMs);
    if (!out.ok) return out;
    if (out.value.code !== 0) return rndcFailure(args.join(" "), out.value);
    return ok(out.value.stdout);
  }

  /** The zone, then the class and view when a view is configured. */
  private target(zone: string): string[] {
    return this.options.view === undefined ? [zone] : [zone, "IN", this.options.view];
  }

  async list(): Promise<Result<NtaEntry[]>> {
    const out = await this.rndc(["nta", "-dump"]);
    if (!out.ok) return out;
    const entries = parseNtaDump(out.value);
    if (!entries)
      return fail("bad-reply", `rndc nta -dump: unexpected output: ${out.value.slice(0, 200)}`);
    const view = this.options.view ?? "_default";
    return ok(entries.filter((e) => e.view === undefined || e.view === view));
  }

  async add(zone: string, options: AddOptions): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    if (!(options.lifetimeSeconds > 0))
      throw new RangeError(`bad lifetime: ${options.lifetimeSeconds}`);
    // BIND's lifetime never outlives ours; past a week, reconciliation
    // refreshes it before BIND drops it.
    const lifetime = Math.min(Math.ceil(options.lifetimeSeconds), BIND_MAX_LIFETIME_SECONDS);
    const args = ["nta", "-lifetime", `${lifetime}s`];
    if (this.options.force) args.push("-force");
    const added = await this.rndc([...args, ...this.target(z.value)]);
    if (!added.ok) return added;
    if (!/added/i.test(added.value)) return fail("bad-reply", `rndc nta: ${added.value.trim()}`);
    return this.flush(z.value);
  }

  async remove(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    // "Negative trust anchor not found" also exits 0: the NTA is gone either way.
    const removed = await this.rndc(["nta", "-remove", ...this.target(z.value)]);
    if (!removed.ok) return removed;
    return this.flush(z.value);
  }

  async flush(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const args = ["flushtree", z.value];
    if (this.options.view !== undefined) args.push(this.options.view);
    const r = await this.rndc(args);
    return r.ok ? done : r;
  }
}
