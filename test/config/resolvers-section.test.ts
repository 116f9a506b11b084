/**
 * The `resolvers` and `reconcile` sections of the configuration file: the
 * resolvers NTAs are pushed to load with their defaults, and a bad entry is
 * rejected at its own path.
 */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/load.js";

const MINIMAL = { vantages: [{ name: "u", address: "127.0.0.1", software: "unbound" }] };

const RESOLVERS = [
  { name: "local-unbound", adapter: "unbound", socket: "/run/unbound.ctl" },
  { name: "bind", adapter: "bind", configFile: "/etc/bind/rndc.conf", timeout: "5s" },
  { name: "kresd", adapter: "knot-resolver", sockets: ["/run/knot-resolver/control/1"] },
  { name: "pdns", adapter: "pdns-recursor", socketDir: "/run/pdns-recursor" },
];

describe("the resolvers section", () => {
  it("is empty, with reconciliation defaults, when left out", () => {
    const r = parseConfig(MINIMAL);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.resolvers).toEqual([]);
    expect(r.config.reconcile).toMatchObject({ dryRun: false, interval: 60_000, attempts: 4 });
  });

  it("loads one resolver of each adapter, durations in milliseconds", () => {
    const r = parseConfig({
      ...MINIMAL,
      resolvers: RESOLVERS,
      reconcile: { interval: "5m", dryRun: true },
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.config.resolvers.map((x) => [x.name, x.adapter])).toEqual([
      ["local-unbound", "unbound"],
      ["bind", "bind"],
      ["kresd", "knot-resolver"],
      ["pdns", "pdns-recursor"],
    ]);
    expect(r.config.resolvers[1]!.timeout).toBe(5_000);
    expect(r.config.reconcile).toMatchObject({ interval: 300_000, dryRun: true });
  });

  it("rejects a bad resolver at its path: an unknown key, a duplicate name, a bad timeout", () => {
    const bad = parseConfig({
      ...MINIMAL,
      resolvers: [
        RESOLVERS[0],
        { ...RESOLVERS[3], sockedDir: "/tmp" },
        { ...RESOLVERS[1], name: "local-unbound" },
      ],
      reconcile: { interval: "1s" },
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors).toEqual(
      expect.arrayContaining([
        { path: "resolvers[1].sockedDir", message: "unknown key" },
        {
          path: "resolvers[2].name",
          message: 'duplicate resolver name "local-unbound" (also resolvers[0])',
        },
        { path: "reconcile.interval", message: "must be between 10s and 1h" },
      ]),
    );
  });

  it("rejects an adapter that does not exist, at the resolver's adapter key", () => {
    const bad = parseConfig({
      ...MINIMAL,
      resolvers: [{ name: "x", adapter: "dnsmasq", socket: "/run/x" }],
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.path)).toEqual(["resolvers[0].adapter"]);
  });
});
