/**
 * The systemd unit (config/systemd/nta-watch.service) beside its
 * configuration: a user of its own, state in its StateDirectory, the token
 * as a credential, the hardening options, and access to Unbound's control
 * socket. `systemd-analyze verify` reads the unit where it is installed (it
 * needs no running systemd) and must report nothing.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { EXAMPLE_ENV, read, ROOT } from "./support.js";

const UNIT_FILE = "config/systemd/nta-watch.service";
const unitText = read(UNIT_FILE);

/** Sections of a unit file, each key with every value it is given, in order. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf("=");
    if (!current || eq < 0) throw new Error(`not a unit line: ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

const unit = parseUnit(unitText);
const service = unit.get("Service")!;
const one = (key: string): string | undefined => service.get(key)?.at(-1);

const execStart = one("ExecStart")!.split(/\s+/);
const configFile = execStart[execStart.indexOf("--config") + 1]!;
const loaded = await loadConfig(path.join(ROOT, "config/systemd/config.yaml"), {
  env: EXAMPLE_ENV,
});
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const config = loaded.config;

describe("the systemd unit", () => {
  it("runs serve with the configuration from its ConfigurationDirectory", () => {
    expect(execStart[1]).toMatch(/\/bin\/nta-watch\.js$/);
    expect(execStart[2]).toBe("serve");
    expect(configFile).toBe(`/etc/${one("ConfigurationDirectory")}/config.yaml`);
  });

  it("runs as a user of its own, never root", () => {
    const user = one("User");
    expect(one("DynamicUser") === "yes" || (user !== undefined && user !== "root")).toBe(true);
  });

  it("keeps the store in its StateDirectory", () => {
    const state = `/var/lib/${one("StateDirectory")}/`;
    expect(config.store.path.startsWith(state)).toBe(true);
  });

  it("hands the API token over as a credential, where the configuration reads it", () => {
    const [name] = one("LoadCredential")!.split(":");
    const files = config.api.tokens.map((t) => t.file);
    expect(files).toContain(`${EXAMPLE_ENV.CREDENTIALS_DIRECTORY}/${name}`);
    expect(read("config/systemd/config.yaml")).toContain(`\${CREDENTIALS_DIRECTORY}/${name}`);
  });

  it("is hardened: read-only system, no new privileges, no capabilities", () => {
    expect(one("ProtectSystem")).toBe("strict");
    expect(one("NoNewPrivileges")).toBe("yes");
    expect(one("ProtectHome")).toBe("yes");
    expect(one("PrivateTmp")).toBe("yes");
    expect(one("CapabilityBoundingSet")).toBe("");
    expect(one("RestrictAddressFamilies")!.split(/\s+/).sort()).toEqual(
      ["AF_INET", "AF_INET6", "AF_UNIX"].sort(),
    );
  });

  it("may reach Unbound's control socket: its folder writable and the unbound group joined", () => {
    const r = config.resolvers.find((x) => x.adapter === "unbound");
    expect(r?.adapter).toBe("unbound");
    const socket = r?.adapter === "unbound" ? r.socket! : "";
    const writable = (service.get("ReadWritePaths") ?? []).flatMap((v) =>
      v.split(/\s+/).map((p) => p.replace(/^-/, "")),
    );
    expect(writable).toContain(path.posix.dirname(socket));
    expect(one("SupplementaryGroups")).toBe("unbound");
  });

  it("restarts on failure, but not after a configuration error (exit status 2)", () => {
    expect(one("Restart")).toBe("on-failure");
    expect(one("RestartPreventExitStatus")).toBe("2");
    expect(read("src/cli/serve.ts")).toMatch(/2 for a usage or configuration error/);
  });

  it("is wanted by the multi-user target", () => {
    expect(unit.get("Install")?.get("WantedBy")).toEqual(["multi-user.target"]);
  });
});

const analyze = spawnSync("sh", ["-c", "command -v systemd-analyze"]).status === 0;

/** `systemd-analyze verify` of `text`, node at this machine's path; its diagnostics. */
function verify(text: string): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-unit-"));
  const file = path.join(dir, "nta-watch.service");
  writeFileSync(file, text.replace(/^ExecStart=\S+/m, `ExecStart=${process.execPath}`));
  const r = spawnSync("systemd-analyze", ["verify", "--man=no", file], {
    encoding: "utf8",
    timeout: 60_000,
  });
  const output = `${r.stdout}${r.stderr}`
    .split("\n")
    .filter((l) => l.includes("nta-watch.service"))
    .join("\n");
  return { status: r.status, output };
}

describe.skipIf(!analyze)("systemd-analyze verify", () => {
  it("reports nothing on the unit", () => {
    const r = verify(unitText);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toBe("");
  });

  it("reports a misspelt key and a bad value, so its silence means something", () => {
    const r = verify(
      unitText
        .replace("NoNewPrivileges=yes", "NoNewPrivilege=yes")
        .replace("ProtectSystem=strict", "ProtectSystem=stricter"),
    );
    expect(r.output).toMatch(/NoNewPrivilege/);
    expect(r.output).toMatch(/stricter|protect system/i);
  });
});
