/**
 * The configuration loader: the example file loads, defaults fill what is
 * left out, and every kind of bad key is rejected with its path.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  formatConfigErrors,
  loadConfig,
  loadTrustAnchors,
  parseConfig,
} from "../../src/config/load.js";
import { cronFor } from "../../src/config/schema.js";
import { parseDuration } from "../../src/config/duration.js";

const EXAMPLE = new URL("../../config/example.yaml", import.meta.url).pathname;
const MINIMAL = { vantages: [{ name: "u", address: "127.0.0.1", software: "unbound" }] };

function errorsOf(data: unknown, env: Record<string, string> = {}) {
  const r = parseConfig(data, { env });
  if (r.ok) throw new Error("expected errors");
  return r.errors;
}

function withChange(change: Record<string, unknown>): unknown {
  return { ...MINIMAL, ...change };
}

describe("the example configuration", () => {
  it("loads, with its environment variable substituted", async () => {
    const r = await loadConfig(EXAMPLE, { env: { PDNS_ADDRESS: "192.0.2.55" } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.vantages.map((v) => v.name)).toEqual(["unbound", "bind", "knot", "pdns"]);
    expect(r.config.vantages[3]).toMatchObject({ address: "192.0.2.55", transport: "tcp" });
    expect(r.config.zones[0]).toMatchObject({
      name: "de.",
      signedChild: "denic.de.",
      unsignedChild: "example.de.",
    });
    expect(r.config.zones[1]!.canaries).toEqual([
      { name: "www.sidn.nl.", type: "A" },
      { name: "sidn.nl.", type: "MX" },
      { name: "nl.", type: "DNSKEY" },
    ]);
    expect(r.config.probe.interval).toBe(60_000);
    expect(r.config.thresholds.consecutiveRounds).toBe(3);
  });

  it("names trust anchor files that load (the root KSK-2017 and KSK-2024 DS records)", async () => {
    const r = await loadConfig(EXAMPLE, { env: { PDNS_ADDRESS: "192.0.2.55" } });
    if (!r.ok) throw new Error("example did not load");
    const a = await loadTrustAnchors(r.config, r.file);
    expect(a.ok).toBe(true);
    if (a.ok) expect(a.anchors.all().map((x) => x.keyTag)).toEqual([20326, 38696]);
  });

  it("is rejected when its environment variable is unset, at the key that uses it", async () => {
    const r = await loadConfig(EXAMPLE, { env: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toEqual([
        { path: "vantages[3].address", message: "environment variable PDNS_ADDRESS is not set" },
      ]);
      expect(formatConfigErrors(r)).toContain(`${EXAMPLE}: vantages[3].address:`);
    }
  });
});

describe("defaults", () => {
  it("fills every limit and uses the 13 IANA root server addresses", () => {
    const r = parseConfig(MINIMAL);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const c = r.config;
    expect(c.rootServers).toHaveLength(13);
    // a.root-servers.net and m.root-servers.net (IANA root hints).
    expect(c.rootServers[0]).toEqual({ address: "198.41.0.4", port: 53 });
    expect(c.rootServers[12]).toEqual({ address: "202.12.27.33", port: 53 });
    expect(c.probe).toEqual({
      interval: 60_000,
      jitter: 5_000,
      timeout: 2_000,
      retries: 1,
      concurrency: 64,
      lookupBudget: 10_000,
      rediscoverEvery: 3_600_000,
      ipv6: false,
    });
    expect(c.vantages[0]).toMatchObject({ port: 53, transport: "udp", managed: false });
    expect(c.trustAnchors).toEqual([]);
    expect(c.thresholds.minVantageShare).toBe(0.75);
  });

  it("takes root servers with a port", () => {
    const r = parseConfig(withChange({ rootServers: [{ address: "127.0.0.1", port: 5353 }] }));
    expect(r.ok && r.config.rootServers).toEqual([{ address: "127.0.0.1", port: 5353 }]);
  });
});

describe("bad keys are rejected with their path", () => {
  it("an address that is not an IP address", () => {
    const errors = errorsOf({
      vantages: [
        { name: "a", address: "127.0.0.1", software: "bind" },
        { name: "b", address: "resolver.example", software: "bind" },
      ],
    });
    expect(errors).toEqual([{ path: "vantages[1].address", message: "expected an IP address" }]);
  });

  it("an unknown key, at the top and nested", () => {
    expect(errorsOf(withChange({ zone: [] }))).toEqual([{ path: "zone", message: "unknown key" }]);
    expect(errorsOf(withChange({ probe: { intervall: "60s" } }))).toEqual([
      { path: "probe.intervall", message: "unknown key" },
    ]);
  });

  it("a missing required key", () => {
    expect(errorsOf({})).toEqual([{ path: "vantages", message: "required" }]);
    expect(errorsOf({ vantages: [{ name: "a", address: "127.0.0.1" }] })[0]!.path).toBe(
      "vantages[0].software",
    );
  });

  it("a limit out of range, never clamped", () => {
    expect(errorsOf(withChange({ probe: { retries: 9 } }))[0]!.path).toBe("probe.retries");
    expect(errorsOf(withChange({ probe: { concurrency: 0 } }))[0]!.path).toBe("probe.concurrency");
    expect(errorsOf(withChange({ probe: { timeout: "50ms" } }))).toEqual([
      { path: "probe.timeout", message: "must be between 100ms and 30s" },
    ]);
  });

  it("a duration that cannot be read", () => {
    expect(errorsOf(withChange({ probe: { interval: "a minute" } }))[0]!.path).toBe(
      "probe.interval",
    );
  });

  it("an interval no cron schedule can keep, and jitter over half the interval", () => {
    expect(errorsOf(withChange({ probe: { interval: "45s" } }))[0]!.path).toBe("probe.interval");
    expect(errorsOf(withChange({ probe: { interval: "20s", jitter: "15s" } }))).toEqual([
      { path: "probe.jitter", message: "must be at most half the interval" },
    ]);
  });

  it("a bad zone name, a child hint outside the zone and a canary of unknown type", () => {
    const long = "a".repeat(64);
    expect(errorsOf(withChange({ zones: [{ name: `${long}.de.` }] }))[0]!.path).toBe(
      "zones[0].name",
    );
    expect(errorsOf(withChange({ zones: [{ name: "de.", signedChild: "nic.nl." }] }))).toEqual([
      { path: "zones[0].signedChild", message: "must be a name below de." },
    ]);
    expect(errorsOf(withChange({ zones: [{ name: "de.", canaries: ["www.de. FOO"] }] }))).toEqual([
      { path: "zones[0].canaries[0]", message: 'unknown RR type "FOO"' },
    ]);
  });

  it("duplicate vantage names and zones", () => {
    const v = { name: "a", address: "127.0.0.1", software: "bind" };
    expect(errorsOf({ vantages: [v, v] })[0]!.path).toBe("vantages[1].name");
    expect(errorsOf(withChange({ zones: [{ name: "de" }, { name: "DE." }] }))[0]!.path).toBe(
      "zones[1].name",
    );
  });

  it("a threshold out of range, from the thresholds fragment", () => {
    expect(errorsOf(withChange({ thresholds: { consecutiveRounds: 1 } }))[0]!.path).toBe(
      "thresholds.consecutiveRounds",
    );
  });

  it("a YAML syntax error and a missing file name the file", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-config-"));
    const file = path.join(dir, "bad.yaml");
    writeFileSync(file, "vantages: [\n  - name: a\n");
    const r = await loadConfig(file, { env: {} });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatConfigErrors(r)).toMatch(new RegExp(`^${file}: YAML: `));
    const missing = await loadConfig(path.join(dir, "none.yaml"));
    expect(missing.ok).toBe(false);
  });

  it("a trust anchor file that cannot be read is reported at its key", async () => {
    const r = parseConfig(withChange({ trustAnchors: [{ file: "no-such-file.ds" }] }));
    if (!r.ok) throw new Error("schema should accept it");
    const a = await loadTrustAnchors(r.config, path.join(tmpdir(), "x.yaml"));
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.errors[0]!.path).toBe("trustAnchors[0].file");
  });
});

describe("durations and schedules", () => {
  it("reads units and bare seconds", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("60s")).toBe(60_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration(90)).toBe(90_000);
    expect(parseDuration("soon")).toBeUndefined();
  });

  it("turns intervals into node-cron expressions with a seconds field", () => {
    expect(cronFor(60_000)).toBe("0 */1 * * * *");
    expect(cronFor(15_000)).toBe("*/15 * * * * *");
    expect(cronFor(300_000)).toBe("0 */5 * * * *");
    expect(cronFor(3_600_000)).toBe("0 0 * * * *");
    expect(cronFor(45_000)).toBeUndefined();
    expect(cronFor(7 * 60_000)).toBeUndefined();
  });
});
