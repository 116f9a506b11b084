/**
 * The lab (lab/lab.sh, docs/lab.md) for the probe benchmark: taken under the
 * machine-wide lock of src/demo/lab-lock.ts (the one the end-to-end tests
 * take too), started if it is not running (and stopped afterwards) or
 * healed and reused if it is, and a configuration written for it: the lab's root server and trust
 * anchor, its four resolvers as vantages, and its watched TLD with the
 * signed and unsigned delegations as hints, so each round has the five
 * derived canaries (SOA, DNSKEY, the two DS canaries, a random NXDOMAIN).
 *
 * LAB_NET and LAB_DIR select another lab, as for lab.sh.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { acquireLabLock, lockPath } from "../src/demo/lab-lock.js";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("..", import.meta.url));
const LAB_SH = path.join(REPO, "lab/lab.sh");
const LAB_DIR = path.resolve(process.env["LAB_DIR"] ?? path.join(REPO, ".lab"));
const LAB_NET = process.env["LAB_NET"] ?? "127.53";
const LOCK_WAIT_MS = 15 * 60_000;

async function labSh(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run("bash", [LAB_SH, ...args], {
      env: { ...process.env, LAB_DIR, LAB_NET },
      timeout: LOCK_WAIT_MS,
      maxBuffer: 4 << 20,
    });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`lab.sh ${args.join(" ")} failed: ${failure.stderr ?? failure.message}`);
  }
}

/** The configuration of the benchmark: the lab's root, anchor, resolvers and watched TLD. */
export function labConfigText(): string {
  const at = (host: string): string => `${LAB_NET}.${host}`;
  const resolvers = [
    ["unbound", "1.1", "unbound"],
    ["bind", "1.2", "bind"],
    ["knot", "1.3", "knot-resolver"],
    ["pdns", "1.4", "pdns-recursor"],
  ] as const;
  return [
    `trustAnchors: [{ file: ${path.join(LAB_DIR, "ta/root.ds")} }]`,
    `rootServers: [${at("0.1")}]`,
    "vantages:",
    ...resolvers.map(
      ([name, host, software]) =>
        `  - { name: ${name}, address: ${at(host)}, software: ${software} }`,
    ),
    "zones:",
    "  - { name: watched., signedChild: signed.watched., unsignedChild: unsigned.watched. }",
    "controlZones: [control.]",
    "",
  ].join("\n");
}

/**
 * Runs `body` with the lab up and healthy and the path of a configuration
 * for it; the lab is left as it was found (stopped, or running and healed).
 */
export async function withLab<T>(body: (configFile: string) => Promise<T>): Promise<T> {
  if (process.getuid?.() !== 0) throw new Error("the lab needs root (docs/lab.md)");
  mkdirSync(LAB_DIR, { recursive: true });
  // The machine-wide lock the end-to-end tests and the demo take too (src/demo/lab-lock.ts).
  const lock = await acquireLabLock(LAB_NET, LOCK_WAIT_MS, (owner) =>
    console.error(`waiting for the lab (in use by process ${owner}, ${lockPath(LAB_NET)})`),
  );
  let startedHere = false;
  const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-bench-"));
  try {
    const running = await labSh("status").then(
      () => true,
      () => false,
    );
    if (running) await labSh("heal");
    else {
      await labSh("start");
      startedHere = true;
    }
    const file = path.join(dir, "lab.yaml");
    writeFileSync(file, labConfigText());
    return await body(file);
  } finally {
    try {
      if (startedHere) await labSh("stop");
      else await labSh("heal");
    } finally {
      rmSync(dir, { recursive: true, force: true });
      lock.release();
    }
  }
}
