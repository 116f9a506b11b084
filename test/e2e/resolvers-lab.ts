/**
 * What the resolver end-to-end tests need beyond the lab helper (lab.ts):
 * adapters for the lab's four resolvers, NTAs added by hand with each
 * resolver's own tool, and asking a resolver a question.
 */
import { execFileSync } from "node:child_process";
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
import { lab, LAB_DIR, type ResolverName } from "./lab.js";

export const RESOLVERS: readonly ResolverName[] = lab.resolvers.map((r) => r.name);

const resolver = (name: ResolverName) => lab.resolvers.find((r) => r.name === name)!;

/** Adapters for the lab's resolvers, as an operator would configure them. */
export function labAdapters(): Record<ResolverName, ResolverAdapter> {
  return {
    unbound: new UnboundAdapter({
      name: "unbound",
      endpoint: { socket: path.join(LAB_DIR, "unbound/unbound.ctl") },
      timeoutMs: 5000,
    }),
    bind: new BindAdapter({
      name: "bind",
      auth: { configFile: path.join(LAB_DIR, "bind/rndc.conf") },
      host: resolver("bind").address,
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

/** Runs the resolver's control command (lab.ts) with `args`. */
function control(name: ResolverName, args: string[]): string {
  const [file, ...base] = resolver(name).control;
  return execFileSync(file, [...base, ...args], { encoding: "utf8", timeout: 10_000 });
}

/** Adds (or removes) an NTA the way a person would, with the resolver's own tool. */
export function byHand(name: ResolverName, op: "add" | "remove", zone: string): void {
  switch (name) {
    case "unbound":
      control(name, [op === "add" ? "insecure_add" : "insecure_remove", zone]);
      return;
    case "bind":
      control(name, ["nta", ...(op === "add" ? ["-lifetime", "1h"] : ["-remove"]), zone]);
      return;
    case "knot": {
      // Read the list, change it, write it back: set_insecure replaces it.
      const keep =
        op === "add"
          ? `l[#l + 1] = '${zone}'`
          : `for i = #l, 1, -1 do if kres.str2dname(l[i]) == kres.str2dname('${zone}') then table.remove(l, i) end end`;
      control(name, [
        `trust_anchors.set_insecure((function() local l = {} for _, n in ipairs(trust_anchors.insecure) do l[#l + 1] = n end ${keep} return l end)())`,
      ]);
      return;
    }
    case "pdns":
      control(name, [
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
export async function ask(name: ResolverName, qname: string): Promise<Answer> {
  const r = await exchange(
    transport,
    { address: resolver(name).address, port: 53 },
    { name: parseName(qname), type: RrType.A },
    { rd: true, cd: false, dnssecOk: true, timeoutMs: 3000, retries: 2 },
  );
  if (!r.ok) throw new Error(`${name}: ${r.error}: ${r.message}`);
  return { rcode: r.message.rcode, ad: r.message.flags.ad, answers: r.message.answer.length };
}
