/**
 * What the resolver end-to-end tests need from the lab beyond check-lab.ts:
 * starting and stopping it, adapters for its four resolvers, restarting one
 * resolver through the lab's own shell functions, NTAs added by hand with
 * each resolver's own tool, and asking a resolver a question.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { exchange } from "../../src/dns/exchange.js";
import { parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { UdpTcpTransport } from "../../src/dns/transport.js";
import { BindAdapter } from "../../src/resolvers/bind.js";
import { KnotResolverAdapter } from "../../src/resolvers/knot.js";
import { PdnsRecursorAdapter } from "../../src/resolvers/pdns.js";
import type { ResolverAdapter } from "../../src/resolvers/types.js";
import { UnboundAdapter } from "../../src/resolvers/unbound.js";
import { LAB_DIR, labRunning } from "./check-lab.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const LAB_SH = path.join(ROOT, "lab/lab.sh");

export const RESOLVERS = ["unbound", "bind", "knot", "pdns"] as const;
export type LabResolver = (typeof RESOLVERS)[number];

export const ADDRESS: Record<LabResolver, string> = {
  unbound: "127.53.1.1",
  bind: "127.53.1.2",
  knot: "127.53.1.3",
  pdns: "127.53.1.4",
};

const TOOLS = ["unbound", "named", "rndc", "kresd", "pdns_recursor", "rec_control", "nsd", "dig"];

function onPath(tool: string): boolean {
  return (process.env.PATH ?? "")
    .split(":")
    .some((dir) => dir !== "" && existsSync(path.join(dir, tool)));
}

/** Root and the lab's servers installed: the lab can be started here. */
export function labCanStart(): boolean {
  return process.getuid?.() === 0 && TOOLS.every(onPath);
}

function lab(...args: string[]): string {
  return execFileSync("bash", [LAB_SH, ...args], { encoding: "utf8", timeout: 600_000 });
}

/** Starts the lab unless it runs; true when this call started it. */
export function labEnsureStarted(): boolean {
  if (labRunning()) return false;
  lab("start");
  return true;
}

export function labStop(): void {
  lab("stop");
}

/** Stops and starts one resolver with the lab's own functions (lab/lib). */
export function labRestartResolver(name: LabResolver): void {
  const script = [
    `source "${path.join(ROOT, "lab/lib/common.sh")}"`,
    `source "${path.join(ROOT, "lab/lib/servers.sh")}"`,
    `stop_resolver ${name}`,
    `start_resolver ${name}`,
  ].join("\n");
  execFileSync("bash", ["-c", script], {
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, LAB_DIR },
  });
}

/** Adapters for the lab's resolvers, as an operator would configure them. */
export function labAdapters(): Record<LabResolver, ResolverAdapter> {
  return {
    unbound: new UnboundAdapter({
      name: "unbound",
      endpoint: { socket: path.join(LAB_DIR, "unbound/unbound.ctl") },
      timeoutMs: 5000,
    }),
    bind: new BindAdapter({
      name: "bind",
      auth: { configFile: path.join(LAB_DIR, "bind/rndc.conf") },
      host: ADDRESS.bind,
      port: 953,
      force: true,
      timeoutMs: 10_000,
    }),
    knot: new KnotResolverAdapter({
      name: "knot",
      sockets: [path.join(LAB_DIR, "knot/kresd.ctl")],
      timeoutMs: 5000,
    }),
    pdns: new PdnsRecursorAdapter({
      name: "pdns",
      socketDir: path.join(LAB_DIR, "pdns"),
      timeoutMs: 10_000,
    }),
  };
}

const kresdLine = (lua: string): string =>
  execFileSync(
    "node",
    [path.join(ROOT, "lab/lib/kresd-control.mjs"), path.join(LAB_DIR, "knot/kresd.ctl"), lua],
    {
      encoding: "utf8",
      timeout: 10_000,
    },
  );

/** Adds (or removes) an NTA the way a person would, with the resolver's own tool. */
export function byHand(name: LabResolver, op: "add" | "remove", zone: string): void {
  const run = (file: string, args: string[]) =>
    execFileSync(file, args, { encoding: "utf8", timeout: 10_000 });
  switch (name) {
    case "unbound":
      run("unbound-control", [
        "-c",
        path.join(LAB_DIR, "unbound/unbound.conf"),
        op === "add" ? "insecure_add" : "insecure_remove",
        zone,
      ]);
      return;
    case "bind":
      run("rndc", [
        "-c",
        path.join(LAB_DIR, "bind/rndc.conf"),
        "nta",
        ...(op === "add" ? ["-lifetime", "1h"] : ["-remove"]),
        zone,
      ]);
      return;
    case "knot": {
      // Read the list, change it, write it back: set_insecure replaces it.
      const keep =
        op === "add"
          ? `l[#l + 1] = '${zone}'`
          : `for i = #l, 1, -1 do if kres.str2dname(l[i]) == kres.str2dname('${zone}') then table.remove(l, i) end end`;
      kresdLine(
        `trust_anchors.set_insecure((function() local l = {} for _, n in ipairs(trust_anchors.insecure) do l[#l + 1] = n end ${keep} return l end)())`,
      );
      return;
    }
    case "pdns":
      run("rec_control", [
        `--socket-dir=${path.join(LAB_DIR, "pdns")}`,
        op === "add" ? "add-nta" : "clear-nta",
        zone,
        ...(op === "add" ? ["added by hand"] : []),
      ]);
      return;
  }
}

export interface Answer {
  rcode: number;
  ad: boolean;
  answers: number;
}

const transport = new UdpTcpTransport();

/** Asks a resolver for NAME A with DO set (RFC 4035 §3.2.3: AD for validated data). */
export async function ask(name: LabResolver, qname: string): Promise<Answer> {
  const r = await exchange(
    transport,
    { address: ADDRESS[name], port: 53 },
    { name: parseName(qname), type: RrType.A },
    { rd: true, cd: false, dnssecOk: true, timeoutMs: 3000, retries: 2 },
  );
  if (!r.ok) throw new Error(`${name}: ${r.error}: ${r.message}`);
  return { rcode: r.message.rcode, ad: r.message.flags.ad, answers: r.message.answer.length };
}
