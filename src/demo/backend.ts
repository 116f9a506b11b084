/**
 * What the demo runs against: the built-in simulation, or the lab's real
 * resolvers and name servers. Either gives the pieces of a configuration
 * (root servers, vantages, trust anchor), the transport the probes use,
 * the resolver adapters NTAs are pushed through, and the two acts of the
 * zone's operator: breaking its signing and fixing it.
 */
import type { Transport } from "../dns/transport.js";
import type { ResolverAdapter } from "../resolvers/types.js";
import { CONTROL, Hierarchy, WATCHED } from "./hierarchy.js";

export type DemoMode = "simulation" | "lab";

export interface DemoBackend {
  mode: DemoMode;
  /** One line saying what the demo runs on. */
  description: string;
  zone: string;
  /** A name under the zone that users look up. */
  canary: string;
  /** The configuration's rootServers, vantages, zones and controlZones. */
  config: Record<string, unknown>;
  /** The trust anchor file's text (zone-file DNSKEY or DS records). */
  trustAnchor: string;
  /** The probes' transport; undefined for plain UDP/TCP. */
  transport?: Transport;
  adapters: ResolverAdapter[];
  /** Where users' queries go: name and address of each resolver. */
  resolvers: { name: string; address: string; port: number }[];
  /** What breakZone() does, as the demo tells it; default the simulation's. */
  breakDescription?: string;
  /** The zone's operator breaks its signing (expired signatures). */
  breakZone(): Promise<void>;
  /** The zone's operator signs it properly again. */
  fixZone(): Promise<void>;
  stop(): Promise<void>;
}

/** The simulation: in-Node authoritative servers and validating resolvers on 127.0.0.1. */
export async function simulationBackend(now: () => number): Promise<DemoBackend> {
  const h = new Hierarchy(now);
  await h.start(3);
  return {
    mode: "simulation",
    description:
      "built-in simulation: 5 authoritative servers (root, 3 for watched., 1 for control.) and " +
      "3 validating resolvers, all in this Node process on 127.0.0.1, signed with fresh ECDSA P-256 keys",
    zone: WATCHED,
    canary: "www.watched.",
    config: {
      rootServers: [h.rootServer!],
      vantages: h.resolvers.map((r) => ({
        name: r.name,
        address: r.address.address,
        port: r.address.port,
        software: "other",
        managed: true,
      })),
      zones: [{ name: WATCHED }],
      controlZones: [CONTROL],
    },
    trustAnchor: h.trustAnchorText(),
    transport: h.transport,
    adapters: h.resolvers.map((r) => r.adapter),
    resolvers: h.resolvers.map((r) => ({ name: r.name, ...r.address })),
    breakZone: () => Promise.resolve(h.break()),
    fixZone: () => Promise.resolve(h.fix()),
    stop: () => h.stop(),
  };
}
