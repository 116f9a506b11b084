/**
 * The lab backend: the demo on real servers, those of lab/lab.sh (NSD
 * serving a signed hierarchy, and Unbound, BIND, Knot Resolver and PowerDNS
 * Recursor validating from the lab's root trust anchor), all on loopback
 * under LAB_NET (default 127.53), with the lab's files under LAB_DIR
 * (default .lab in the repository), as for lab.sh itself.
 *
 * The service probes the resolvers and the TLD's servers over UDP/TCP, and
 * pushes NTAs through the four real resolver adapters on the lab's control
 * channels. The zone's operator's acts are lab.sh's: `break expired` (the
 * zone re-signed with signatures that expired ten days ago) and `heal`.
 *
 * A lab already running is healed and reused, and healed again afterwards;
 * one the demo started is stopped at the end. The lab is held under the
 * machine-wide lock of lab-lock.ts meanwhile.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createAdapter } from "../resolvers/factory.js";
import { resolverSchema } from "../resolvers/schema.js";
import type { ResolverAdapter } from "../resolvers/types.js";
import type { DemoBackend } from "./backend.js";
import { acquireLabLock, type LabLock } from "./lab-lock.js";

const exec = promisify(execFile);

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** Where lab.sh is, where it keeps its files, and its addresses' first two octets. */
export interface LabPlace {
  script: string;
  dir: string;
  net: string;
}

export function labPlace(env: NodeJS.ProcessEnv = process.env): LabPlace {
  return {
    script: path.join(REPO, "lab/lab.sh"),
    dir: path.resolve(env.LAB_DIR ?? path.join(REPO, ".lab")),
    net: env.LAB_NET ?? "127.53",
  };
}

/** The servers the lab runs and the tools lab.sh needs to set them up (its require_tools). */
export const LAB_PROGRAMS = [
  "nsd",
  "unbound",
  "named",
  "kresd",
  "pdns_recursor",
  "dnssec-signzone",
  "dnssec-keygen",
  "dnssec-dsfromkey",
  "nsd-checkconf",
  "unbound-control",
  "unbound-checkconf",
  "unbound-control-setup",
  "named-checkconf",
  "rndc",
  "rndc-confgen",
  "rec_control",
  "dig",
  "ip",
  "ss",
  "setsid",
  "flock",
] as const;

const onPath = (tool: string, env: NodeJS.ProcessEnv): boolean =>
  (env.PATH ?? "").split(":").some((dir) => dir !== "" && existsSync(path.join(dir, tool)));

/** Whether the lab can run here: root, lab/lab.sh and every program it needs; why not otherwise. */
export function labAvailable(
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): { ok: true; why: string } | { ok: false; why: string } {
  const place = labPlace(env);
  const problems: string[] = [];
  if (!existsSync(place.script)) problems.push(`${place.script} is missing`);
  if (uid !== 0) problems.push("not running as root (the lab binds port 53 on loopback addresses)");
  const missing = LAB_PROGRAMS.filter((p) => !onPath(p, env));
  if (missing.length > 0) {
    problems.push(
      `${missing.join(", ")} not installed (the Debian packages nsd unbound bind9 bind9-utils ` +
        "bind9-dnsutils knot-resolver pdns-recursor iproute2 util-linux)",
    );
  }
  if (problems.length > 0) return { ok: false, why: problems.join("; ") };
  return { ok: true, why: "running as root with lab/lab.sh and the lab's servers installed" };
}

async function labSh(place: LabPlace, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await exec("bash", [place.script, ...args], {
      env: { ...process.env, LAB_DIR: place.dir, LAB_NET: place.net },
      timeout: 5 * 60_000,
      maxBuffer: 4 << 20,
    });
    return stdout;
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(
      `lab.sh ${args.join(" ")} failed: ${failure.stderr?.trim() || failure.message}`,
    );
  }
}

function labState(place: LabPlace): string {
  try {
    return readFileSync(path.join(place.dir, "state"), "utf8").trim();
  } catch {
    return "stopped";
  }
}

const ZONE = "watched.";
const CANARY = "www.watched.";

/** The four resolvers: vantage software and the adapter configuration of each control channel. */
function labResolvers(place: LabPlace) {
  const at = (host: string) => `${place.net}.${host}`;
  const dir = (...p: string[]) => path.join(place.dir, ...p);
  return [
    {
      name: "unbound",
      software: "unbound",
      address: at("1.1"),
      adapter: { adapter: "unbound", socket: dir("unbound/unbound.ctl"), timeout: "5s" },
    },
    {
      name: "bind",
      software: "bind",
      address: at("1.2"),
      adapter: {
        adapter: "bind",
        configFile: dir("bind/rndc.conf"),
        host: at("1.2"),
        port: 953,
        timeout: "10s",
      },
    },
    {
      name: "knot",
      software: "knot-resolver",
      address: at("1.3"),
      adapter: { adapter: "knot-resolver", sockets: [dir("knot/kresd.ctl")], timeout: "5s" },
    },
    {
      name: "pdns",
      software: "pdns-recursor",
      address: at("1.4"),
      adapter: { adapter: "pdns-recursor", socketDir: dir("pdns"), timeout: "10s" },
    },
  ] as const;
}

async function labAdapters(place: LabPlace): Promise<ResolverAdapter[]> {
  const out: ResolverAdapter[] = [];
  for (const r of labResolvers(place)) {
    const made = await createAdapter(resolverSchema.parse({ name: r.name, ...r.adapter }));
    if (!made.ok) throw new Error(`${r.name}'s adapter: ${made.error.message}`);
    out.push(made.value);
  }
  return out;
}

export interface LabBackendOptions {
  /** How long to wait for another holder of the lab (default: not at all). */
  waitMs?: number;
  /** Told what the backend does to the lab (start, heal, stop, waiting). */
  say?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export async function labBackend(options: LabBackendOptions = {}): Promise<DemoBackend> {
  const place = labPlace(options.env);
  const say = options.say ?? (() => undefined);
  const available = labAvailable(options.env);
  if (!available.ok) throw new Error(`the lab cannot run here: ${available.why}`);

  const lock: LabLock = await acquireLabLock(place.net, options.waitMs ?? 0, (owner) =>
    say(`the lab on ${place.net}.0.0/16 is in use by process ${owner}: waiting for it`),
  );
  let startedHere = false;
  try {
    const running =
      labState(place) !== "stopped" &&
      (await labSh(place, "status").then(
        () => true,
        () => false,
      ));
    if (running) {
      say(`reusing the lab already running on ${place.net}.0.0/16 (${place.dir}); healing it`);
      await labSh(place, "heal");
    } else {
      say(`starting the lab on ${place.net}.0.0/16 (${place.dir}): keys, signed zones, servers`);
      await labSh(place, "start");
      startedHere = true;
    }
    const adapters = await labAdapters(place);
    // An NTA a stopped run left behind would hide the break: start from validating resolvers.
    for (const a of adapters) {
      const r = await a.remove(ZONE);
      if (!r.ok) throw new Error(`${a.name}: cannot clear an old NTA: ${r.error.message}`);
    }
    const resolvers = labResolvers(place);
    const trustAnchor = readFileSync(path.join(place.dir, "ta/root.ds"), "utf8");
    let stopped = false;
    return {
      mode: "lab",
      description:
        `the lab of lab/lab.sh on ${place.net}.0.0/16 (${startedHere ? "started for this demo" : "already running, reused"}): ` +
        "NSD serving a signed root, watched. on 3 servers and control.; Unbound, BIND, " +
        "Knot Resolver and PowerDNS Recursor validating, NTAs through their control channels",
      zone: ZONE,
      canary: CANARY,
      config: {
        rootServers: [`${place.net}.0.1`],
        vantages: resolvers.map((r) => ({
          name: r.name,
          address: r.address,
          software: r.software,
          managed: true,
        })),
        zones: [
          {
            name: ZONE,
            canaries: [`${CANARY} A`],
            signedChild: "signed.watched.",
            unsignedChild: "unsigned.watched.",
          },
        ],
        controlZones: ["control."],
      },
      trustAnchor,
      adapters,
      resolvers: resolvers.map((r) => ({ name: r.name, address: r.address, port: 53 })),
      breakDescription:
        "re-signed with signatures made 40 days ago that expired 10 days ago (lab.sh break expired)",
      breakZone: async () => {
        await labSh(place, "break", "expired");
      },
      fixZone: async () => {
        await labSh(place, "heal");
      },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        try {
          if (startedHere) {
            say("stopping the lab this demo started");
            await labSh(place, "stop");
          } else if (labState(place) !== "stopped") {
            say("healing the lab, left running as it was found");
            await labSh(place, "heal");
          }
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    try {
      if (startedHere) await labSh(place, "stop");
    } finally {
      lock.release();
    }
    throw error;
  }
}
