/**
 * What the `check` end-to-end tests need from the lab (lab/lab.sh): whether
 * it runs, its addresses, its trust anchor, a configuration for it, and the
 * break and heal commands. When test/e2e/lab.ts lands, these can move there.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;
const LAB_SH = path.join(ROOT, "lab/lab.sh");
export const LAB_DIR = process.env.LAB_DIR ?? path.join(ROOT, ".lab");

const SOFTWARE: Record<string, string> = {
  unbound: "unbound",
  bind: "bind",
  knot: "knot-resolver",
  pdns: "pdns-recursor",
};

/** True when the lab has been started and not stopped (the tests never start it themselves). */
export function labRunning(): boolean {
  try {
    const state = readFileSync(path.join(LAB_DIR, "state"), "utf8").trim();
    return state !== "stopped" && existsSync(path.join(LAB_DIR, "ta/root.ds"));
  } catch {
    return false;
  }
}

function lab(...args: string[]): string {
  return execFileSync("bash", [LAB_SH, ...args], { encoding: "utf8", timeout: 600_000 });
}

export function labBreak(scenario: string): void {
  lab("break", scenario);
}

export function labHeal(): void {
  lab("heal");
}

/** Resolver names and addresses, from `lab.sh addresses`. */
export function labResolvers(): { name: string; address: string }[] {
  return lab("addresses")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0] === "resolver" && f.length === 3)
    .map((f) => ({ name: f[1]!, address: f[2]! }));
}

/** A configuration file for `check` against the lab: its root, anchor and resolvers. */
export function labConfig(): string {
  const vantages = labResolvers().map(
    (r) =>
      `  - { name: ${r.name}, address: ${r.address}, software: ${SOFTWARE[r.name] ?? "other"} }`,
  );
  const text = [
    `trustAnchors: [{ file: ${path.join(LAB_DIR, "ta/root.ds")} }]`,
    "rootServers: [127.53.0.1]",
    "vantages:",
    ...vantages,
    "zones:",
    "  - { name: watched., signedChild: signed.watched., unsignedChild: unsigned.watched. }",
    "controlZones: [control.]",
    "probe: { timeout: 1s, retries: 1 }",
  ].join("\n");
  const file = path.join(mkdtempSync(path.join(tmpdir(), "nta-watch-lab-")), "lab.yaml");
  writeFileSync(file, `${text}\n`);
  return file;
}
