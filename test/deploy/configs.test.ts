/**
 * The configurations shipped under config/: each one loads against the real
 * schema, and the default one does what a first run needs (real TLDs, public
 * resolvers, the IANA roots, local state, a loopback API, nothing pushed to
 * any resolver). Nothing here sends a query: the files are only read.
 */

import { execFileSync } from "node:child_process";
import { isIP } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig, parseConfig, type ConfigResult } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { EXAMPLE_ENV, examples, read, ROOT } from "./support.js";

/** Every nta-watch configuration: the files, and the ones inside Kubernetes ConfigMaps. */
async function allConfigs(): Promise<{ where: string; result: ConfigResult }[]> {
  const out: { where: string; result: ConfigResult }[] = [];
  for (const example of examples()) {
    if (example.kind === "nta-watch") {
      const result = await loadConfig(path.join(ROOT, example.file), { env: EXAMPLE_ENV });
      out.push({ where: example.file, result });
    } else if (example.kind === "kubernetes") {
      for (const doc of example.documents.filter((d) => d.kind === "ConfigMap")) {
        const data = (doc.data ?? {}) as Record<string, string>;
        const name = (doc.metadata as { name: string }).name;
        for (const [key, text] of Object.entries(data)) {
          if (!/\.ya?ml$/.test(key)) continue;
          const where = `${example.file} ConfigMap ${name} ${key}`;
          out.push({ where, result: parseConfig(parse(text), { file: where, env: EXAMPLE_ENV }) });
        }
      }
    }
  }
  return out;
}

const configs = await allConfigs();
const loaded = (where: string): Config => {
  const found = configs.find((c) => c.where === where);
  if (!found?.result.ok) throw new Error(`${where} does not load`);
  return found.result.config;
};

describe("every configuration under config/", () => {
  it("there are the default, the container's, the sidecars', the Pod's and the unit's", () => {
    const where = configs.map((c) => c.where);
    for (const expected of [
      "config/default.yaml",
      "config/docker/config.yaml",
      "config/sidecar-unbound/nta-watch.yaml",
      "config/sidecar-bind/nta-watch.yaml",
      "config/systemd/config.yaml",
    ]) {
      expect(where).toContain(expected);
    }
    expect(where.some((w) => w.startsWith("config/kubernetes/"))).toBe(true);
  });

  it.each(configs.map((c) => [c.where, c.result] as const))("%s loads", (_, result) => {
    expect(result.ok, JSON.stringify(!result.ok && result.errors)).toBe(true);
  });

  it.each(configs.map((c) => [c.where, c.result] as const))(
    "%s can find a break widespread with its own vantages",
    (_, result) => {
      if (!result.ok) return;
      const { vantages, thresholds } = result.config;
      // Precondition 1 asks for failures on several implementations and on a
      // share of the vantages: both must be reachable with those configured.
      const software = new Set(vantages.map((v) => v.software));
      expect(software.size).toBeGreaterThanOrEqual(thresholds.minImplementations);
      expect(Math.ceil(thresholds.minVantageShare * vantages.length)).toBeLessThanOrEqual(
        vantages.length,
      );
      expect(result.config.controlZones.length).toBeGreaterThan(0);
    },
  );

  it.each(configs.map((c) => [c.where, c.result] as const))(
    "%s pushes NTAs only to resolvers it also watches through, as managed vantages",
    (_, result) => {
      if (!result.ok) return;
      const managed = result.config.vantages.filter((v) => v.managed).map((v) => v.name);
      for (const r of result.config.resolvers) expect(managed).toContain(r.name);
    },
  );
});

describe("the default configuration", () => {
  const config = loaded("config/default.yaml");

  it("watches top-level domains, apart from its control zones", () => {
    expect(config.zones.length).toBeGreaterThanOrEqual(3);
    for (const zone of config.zones) expect(zone.name).toMatch(/^[a-z]{2,}\.$/);
    const watched = new Set(config.zones.map((z) => z.name));
    for (const control of config.controlZones) expect(watched.has(control)).toBe(false);
  });

  it("asks well-known public resolvers of different operators, managing none", () => {
    // Cloudflare, Google Public DNS, Quad9 and OpenDNS (their published addresses).
    const known = ["1.1.1.1", "8.8.8.8", "9.9.9.9", "208.67.222.222"];
    expect(config.vantages.map((v) => v.address).sort()).toEqual([...known].sort());
    expect(new Set(config.vantages.map((v) => v.operator)).size).toBe(known.length);
    expect(config.vantages.every((v) => !v.managed)).toBe(true);
  });

  it("walks from the thirteen IANA root servers", () => {
    // IPv4 addresses of a..m.root-servers.net in IANA's root hints (named.root,
    // b.root-servers.net renumbered in November 2023).
    const iana = [
      "198.41.0.4",
      "170.247.170.2",
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
    expect(config.rootServers).toEqual(iana.map((address) => ({ address, port: 53 })));
  });

  it("keeps its SQLite store in the repository's data folder, which git ignores", () => {
    const store = path.resolve(ROOT, "config", config.store.path);
    expect(path.relative(ROOT, store)).toBe(path.join("data", path.basename(store)));
    let ignored = true;
    try {
      execFileSync("git", ["check-ignore", "-q", "--no-index", "data/nta-watch.db"], { cwd: ROOT });
    } catch {
      ignored = false;
    }
    expect(ignored).toBe(true);
  });

  it("serves the API on loopback only, with a token generated at the first start in the data folder", () => {
    expect(isIP(config.api.listen)).toBe(4);
    expect(config.api.listen.startsWith("127.")).toBe(true);
    expect(config.api.tokens).toHaveLength(1);
    const token = config.api.tokens[0]!;
    expect(token.generate).toBe(true);
    const file = path.resolve(ROOT, "config", token.file!);
    expect(path.relative(ROOT, path.dirname(file))).toBe("data");
    // The operator commands take the same file.
    expect(read("src/cli/operator.ts")).toContain(`"token-file"`);
  });

  it("pushes nothing to any resolver: no adapter, and a dry run", () => {
    expect(config.resolvers).toEqual([]);
    expect(config.reconcile.dryRun).toBe(true);
  });

  it("is the watch the container image ships, apart from where state and the API live", () => {
    const image = loaded("config/docker/config.yaml");
    expect(image.zones).toEqual(config.zones);
    expect(image.controlZones).toEqual(config.controlZones);
    expect(image.vantages).toEqual(config.vantages);
    expect(image.thresholds).toEqual(config.thresholds);
  });
});
