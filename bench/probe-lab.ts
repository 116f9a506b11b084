/**
 * The lab (lab/lab.sh, docs/lab.md) for the probe benchmark: taken under the
 * same machine-wide lock as the end-to-end tests (test/e2e/lab.ts), started
 * if it is not running (and stopped afterwards) or healed and reused if it
 * is, and a configuration written for it: the lab's root server and trust
 * anchor, its four resolvers as vantages, and its watched TLD with the
 * signed and unsigned delegations as hints, so each round has the five
 * derived canaries (SOA, DNSKEY, the two DS canaries, a random NXDOMAIN).
 *
 * LAB_NET and LAB_DIR select another lab, as for lab.sh.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const REPO = fileURLToPath(new URL("..", import.meta.url));
const LAB_SH = path.join(REPO, "lab/lab.sh");
const LAB_DIR = path.resolve(process.env["LAB_DIR"] ?? path.join(REPO, ".lab"));
const LAB_NET = process.env["LAB_NET"] ?? "127.53";
// The lock of test/e2e/lab.ts: one directory per LAB_NET, its owner's pid inside.
const LOCK = path.join(tmpdir(), `nta-watch-lab-${LAB_NET}.lock`);
const LOCK_OWNER = path.join(LOCK, "owner");
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

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function acquireLock(): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let said = false; ;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(LOCK_OWNER, String(process.pid));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(LOCK_OWNER, "utf8"));
    } catch {
      // The owner is between mkdir and writing its pid.
    }
    if (Number.isInteger(owner) && !alive(owner)) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`the lab is in use by process ${owner} (${LOCK})`);
    if (!said) console.error(`waiting for the lab (in use by process ${owner}, ${LOCK})`);
    said = true;
    await new Promise((resolve) => setTimeout(resolve, 500));
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
  await acquireLock();
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
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
