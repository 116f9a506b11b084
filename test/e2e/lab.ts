/**
 * The end-to-end lab (lab/lab.sh) for vitest: a signed hierarchy served by
 * NSD and four validating resolvers on loopback, with scripted breaks of the
 * watched TLD (lab/SCENARIOS.md).
 *
 * A test file that uses it:
 *
 *   beforeAll(startLab, LAB_START_TIMEOUT_MS);
 *   afterAll(stopLab, LAB_STOP_TIMEOUT_MS);
 *
 * The lab is one set of servers per machine, so startLab() takes a lock that
 * stopLab() releases: test files that use the lab run one after another even
 * when vitest runs files in parallel. A lab that was already running (started
 * by hand) is healed and reused, and left running afterwards.
 *
 * The lab needs root and the servers of .ci/run's Debian packages. When it
 * cannot start, startLab() fails with what to install; only
 * NTA_WATCH_SKIP_LAB=1 turns the lab's tests into skips (describeLab).
 *
 * LAB_DIR and LAB_NET (default 127.53) select another lab, as for lab.sh.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe } from "vitest";

const run = promisify(execFile);

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const LAB_SH = path.join(REPO, "lab/lab.sh");

/** Where the running lab keeps its keys, zones, configurations and logs. */
export const LAB_DIR = path.resolve(process.env.LAB_DIR ?? path.join(REPO, ".lab"));
/** The first two octets of every lab address. */
export const LAB_NET = process.env.LAB_NET ?? "127.53";

/** Waits, for a hook: the lock may be held by another test file's lab run. */
export const LAB_START_TIMEOUT_MS = 15 * 60_000;
export const LAB_STOP_TIMEOUT_MS = 60_000;
/** A break or a heal restarts servers and flushes caches: a few seconds. */
export const LAB_STEP_TIMEOUT_MS = 60_000;

export const SCENARIOS = [
  "expired",
  "ds-mismatch",
  "corrupt-sigs",
  "missing-rrsigs",
  "key-removed",
  "bad-nsec3-sigs",
  "partial",
  "tamper",
  "vantage-down",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export type ResolverName = "unbound" | "bind" | "knot" | "pdns";

export interface LabResolver {
  name: ResolverName;
  software: "unbound" | "bind" | "knot-resolver" | "pdns-recursor";
  address: string;
  /** How to reach its control channel (for NTAs and flushes). */
  control: string[];
}

const at = (host: string): string => `${LAB_NET}.${host}`;

/** Zones, canary names and addresses of the lab. */
export const lab = {
  dir: LAB_DIR,
  net: LAB_NET,
  /** The root KSK's DS, the only trust anchor of every resolver. */
  trustAnchorFile: path.join(LAB_DIR, "ta/root.ds"),
  rootHints: path.join(LAB_DIR, "root.hints"),
  zones: {
    root: ".",
    /** Algorithm 13, NSEC3 (no salt, 0 iterations), three servers. */
    watched: "watched.",
    /** Algorithm 15, NSEC: validates through every break. */
    control: "control.",
    /** Algorithm 13, NSEC, DS in the watched TLD. */
    signedChild: "signed.watched.",
    /** No DS: insecure below a secure TLD. */
    unsignedChild: "unsigned.watched.",
  },
  names: {
    watched: "www.watched.",
    nxdomain: "nx.watched.",
    signedChild: "www.signed.watched.",
    unsignedChild: "www.unsigned.watched.",
    control: "www.control.",
  },
  /** A records of the names while healthy, and what the rogue server says. */
  addressesOf: {
    watched: "192.0.2.1",
    signedChild: "192.0.2.31",
    unsignedChild: "192.0.2.32",
    control: "192.0.2.21",
    rogueWatched: "198.51.100.66",
  },
  authoritative: {
    root: at("0.1"),
    /** The watched TLD's servers, each with its own copy of the zone. */
    watched: [at("0.11"), at("0.12"), at("0.13")] as const,
    control: at("0.21"),
    /** signed.watched. and unsigned.watched. */
    children: at("0.31"),
    /** The tampering path's server for watched. (tamper scenario). */
    rogue: at("0.66"),
  },
  resolvers: [
    {
      name: "unbound",
      software: "unbound",
      address: at("1.1"),
      control: ["unbound-control", "-c", path.join(LAB_DIR, "unbound/unbound.conf")],
    },
    {
      name: "bind",
      software: "bind",
      address: at("1.2"),
      control: ["rndc", "-c", path.join(LAB_DIR, "bind/rndc.conf")],
    },
    {
      name: "knot",
      software: "knot-resolver",
      address: at("1.3"),
      control: [
        "node",
        path.join(REPO, "lab/lib/kresd-control.mjs"),
        path.join(LAB_DIR, "knot/kresd.ctl"),
      ],
    },
    {
      name: "pdns",
      software: "pdns-recursor",
      address: at("1.4"),
      control: [
        "rec_control",
        `--socket-dir=${path.join(LAB_DIR, "pdns")}`,
        `--config-dir=${path.join(LAB_DIR, "pdns")}`,
      ],
    },
  ] as const satisfies readonly LabResolver[],
} as const;

/** Runs lab.sh; a failure carries the script's own explanation. */
export async function labSh(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run("bash", [LAB_SH, ...args], {
      env: { ...process.env, LAB_DIR, LAB_NET },
      timeout: LAB_START_TIMEOUT_MS,
      maxBuffer: 4 << 20,
    });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`lab.sh ${args.join(" ")} failed: ${failure.stderr ?? failure.message}`);
  }
}

/** Set to 1 on a machine that cannot run the lab: its tests are skipped, saying so. */
export const LAB_SKIPPED = process.env.NTA_WATCH_SKIP_LAB === "1";

/** The programs lab.sh runs (its require_tools), with the Debian package of each. */
const LAB_TOOLS: Readonly<Record<string, string>> = {
  ip: "iproute2",
  ss: "iproute2",
  dig: "bind9-dnsutils",
  "dnssec-keygen": "bind9-utils",
  "dnssec-signzone": "bind9-utils",
  "dnssec-dsfromkey": "bind9-utils",
  "rndc-confgen": "bind9-utils",
  rndc: "bind9-utils",
  "named-checkconf": "bind9-utils",
  named: "bind9",
  nsd: "nsd",
  "nsd-checkconf": "nsd",
  unbound: "unbound",
  "unbound-control": "unbound",
  "unbound-checkconf": "unbound",
  "unbound-control-setup": "unbound",
  kresd: "knot-resolver",
  pdns_recursor: "pdns-recursor",
  rec_control: "pdns-recursor",
  setsid: "util-linux",
  flock: "util-linux",
};

function onPath(tool: string): boolean {
  return (process.env.PATH ?? "")
    .split(":")
    .some((dir) => dir !== "" && existsSync(path.join(dir, tool)));
}

/**
 * Why the lab (or, with `tools`, a test that runs only those programs)
 * cannot run on this machine, with what to install; undefined when it can.
 */
export function labUnavailable(
  options: { tools?: readonly string[]; root?: boolean } = {},
): string | undefined {
  const { tools = Object.keys(LAB_TOOLS), root = true } = options;
  const problems: string[] = [];
  if (root && process.getuid?.() !== 0) {
    problems.push("it must run as root (port 53, addresses on lo)");
  }
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((tool) => LAB_TOOLS[tool] ?? tool))];
    problems.push(
      `${missing.join(", ")} not found on PATH: install the Debian packages ` +
        `${packages.join(" ")} (apt-get install --no-install-recommends; .ci/run lists all of the lab's)`,
    );
  }
  if (problems.length === 0) return undefined;
  const subject = options.tools ? "this end-to-end test" : "the end-to-end lab";
  return (
    `${subject} cannot run here: ${problems.join("; ")}. ` +
    "Set NTA_WATCH_SKIP_LAB=1 to skip the tests that need it."
  );
}

/** describe() for tests that need the lab: skipped, with the reason in the title, under NTA_WATCH_SKIP_LAB=1. */
export function describeLab(title: string, body: () => void): void {
  if (LAB_SKIPPED) {
    console.warn(`skipped, NTA_WATCH_SKIP_LAB=1: ${title}`);
    describe.skip(`${title} (skipped: NTA_WATCH_SKIP_LAB=1)`, body);
  } else describe(title, body);
}

/** "stopped", "healthy" or the name of the active scenario. */
export function labState(): string {
  try {
    return readFileSync(path.join(LAB_DIR, "state"), "utf8").trim();
  } catch {
    return "stopped";
  }
}

// The lab's addresses belong to the whole machine, not to one checkout: the
// lock is keyed by LAB_NET so two clones cannot run labs on the same addresses.
const LOCK = path.join(tmpdir(), `nta-watch-lab-${LAB_NET}.lock`);
const LOCK_OWNER = path.join(LOCK, "owner");
let held = false;
let startedHere = false;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function acquireLock(): Promise<void> {
  const deadline = Date.now() + LAB_START_TIMEOUT_MS - 60_000;
  mkdirSync(LAB_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(LOCK_OWNER, String(process.pid));
      held = true;
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
    if (Date.now() > deadline) {
      throw new Error(`the lab is in use by process ${owner} (lock ${LOCK})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function releaseLock(): void {
  if (held) rmSync(LOCK, { recursive: true, force: true });
  held = false;
}

/**
 * Takes the lab for this test file and brings it up healthy: started fresh
 * (new keys, zones signed now) unless it was already running.
 */
export async function startLab(): Promise<void> {
  const unavailable = labUnavailable();
  if (unavailable !== undefined) throw new Error(unavailable);
  await acquireLock();
  try {
    let running = false;
    if (labState() !== "stopped") {
      running = await labSh("status").then(
        () => true,
        () => false,
      );
    }
    if (running) {
      await labSh("heal");
    } else {
      await labSh("start");
      startedHere = true;
    }
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/** Stops what startLab() started (or heals a lab it found running) and releases the lab. */
export async function stopLab(): Promise<void> {
  // startLab() failed before it held the lab: someone else's, not ours to touch.
  if (!held) return;
  try {
    if (startedHere) await labSh("stop");
    else if (labState() !== "stopped") await labSh("heal");
  } finally {
    startedHere = false;
    releaseLock();
  }
}

/** Applies a break (lab/SCENARIOS.md) and flushes the resolvers. `vantage-down` stops `resolver` (default pdns). */
export async function breakZone(scenario: Scenario, resolver?: ResolverName): Promise<void> {
  await labSh("break", scenario, ...(resolver ? [resolver] : []));
}

/** Healthy zones on every server, every resolver up and flushed. */
export async function heal(): Promise<void> {
  await labSh("heal");
}

/** Empties every resolver's caches through its control channel. */
export async function flushResolvers(): Promise<void> {
  await labSh("flush");
}

/** Stops and starts one resolver with the lab's own shell functions (lab/lib/servers.sh). */
export async function restartResolver(name: ResolverName): Promise<void> {
  const lib = path.join(REPO, "lab/lib");
  const script = [
    `source "${lib}/common.sh"`,
    `source "${lib}/servers.sh"`,
    `stop_resolver ${name}`,
    `start_resolver ${name}`,
  ].join("\n");
  await run("bash", ["-c", script], {
    env: { ...process.env, LAB_DIR, LAB_NET },
    timeout: LAB_STEP_TIMEOUT_MS,
  });
}
