/**
 * PowerDNS Recursor, through rec_control (run with an argument array and no
 * shell): `add-nta zone reason`, `clear-nta zone`, `get-ntas`, and
 * `wipe-cache zone$` (the "$" wipes the whole subtree, packet cache and
 * negative cache included).
 *
 * rec_control exits 0 when the recursor refuses a command ("Can't add
 * Negative Trust Anchor: ..."): its words are read. The recursor neither
 * keeps NTAs added this way across a restart nor flushes its caches by
 * itself. `clear-nta` with "*" would clear every NTA; zones are checked
 * before they get here, so it never receives one.
 */
import { programMessage, runProgram, type Runner } from "./exec.js";
import {
  controlZone,
  done,
  fail,
  normalizeListed,
  ok,
  reasonLine,
  type AddOptions,
  type NtaEntry,
  type ResolverAdapter,
  type Result,
} from "./types.js";

export interface PdnsOptions {
  name: string;
  /** The rec_control program; default "rec_control" from PATH. */
  recControl?: string;
  /** Where pdns_recursor.controlsocket lives (`--socket-dir`). */
  socketDir: string;
  /** recursor.conf's directory, when not the packaged default (`--config-dir`). */
  configDir?: string;
  timeoutMs: number;
  run?: Runner;
}

const HEADER = "Configured Negative Trust Anchors:";

/** Parses `get-ntas`: a header line, then "name<TAB>reason" per NTA. */
export function parseGetNtas(text: string): NtaEntry[] | undefined {
  const lines = text.split("\n");
  if (lines[0]?.trim() !== HEADER) return undefined;
  const entries: NtaEntry[] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === "") continue;
    const tab = line.indexOf("\t");
    const raw = (tab < 0 ? line : line.slice(0, tab)).trim();
    const reason = tab < 0 ? "" : line.slice(tab + 1).trim();
    entries.push({ zone: normalizeListed(raw), raw, reason });
  }
  return entries;
}

export class PdnsRecursorAdapter implements ResolverAdapter {
  readonly kind = "pdns-recursor" as const;
  readonly name: string;
  private readonly options: PdnsOptions;
  private readonly exec: Runner;

  constructor(options: PdnsOptions) {
    this.name = options.name;
    this.options = options;
    this.exec = options.run ?? runProgram;
  }

  private async recControl(args: string[]): Promise<Result<string>> {
    const o = this.options;
    const base = [`--socket-dir=${o.socketDir}`];
    if (o.configDir !== undefined) base.push(`--config-dir=${o.configDir}`);
    // rec_control's own wait, below ours so that its message is the one seen.
    base.push(`--timeout=${Math.max(1, Math.floor(o.timeoutMs / 1000) - 1)}`);
    const out = await this.exec(o.recControl ?? "rec_control", [...base, ...args], o.timeoutMs);
    if (!out.ok) return out;
    const message = `rec_control ${args[0]}: ${programMessage(out.value)}`;
    if (out.value.code !== 0) {
      if (/No such file|Connection refused|Unable to connect/i.test(message))
        return fail("refused", message);
      if (/timeout|timed out/i.test(message)) return fail("timeout", message);
      return fail("rejected", message);
    }
    return ok(out.value.stdout);
  }

  async list(): Promise<Result<NtaEntry[]>> {
    const out = await this.recControl(["get-ntas"]);
    if (!out.ok) return out;
    const entries = parseGetNtas(out.value);
    if (!entries)
      return fail(
        "bad-reply",
        `rec_control get-ntas: unexpected output: ${out.value.slice(0, 200)}`,
      );
    return ok(entries);
  }

  async add(zone: string, options: AddOptions): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const args = ["add-nta", z.value];
    const reason = reasonLine(options.reason);
    if (reason !== "") args.push(reason);
    const out = await this.recControl(args);
    if (!out.ok) return out;
    if (!out.value.startsWith("Added"))
      return fail("rejected", `rec_control add-nta: ${out.value.trim()}`);
    return this.flush(z.value);
  }

  async remove(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const out = await this.recControl(["clear-nta", z.value]);
    if (!out.ok) return out;
    if (!out.value.startsWith("Removed"))
      return fail("rejected", `rec_control clear-nta: ${out.value.trim()}`);
    return this.flush(z.value);
  }

  async flush(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const out = await this.recControl(["wipe-cache", `${z.value}$`]);
    if (!out.ok) return out;
    if (!out.value.startsWith("wiped"))
      return fail("rejected", `rec_control wipe-cache: ${out.value.trim()}`);
    return done;
  }
}
