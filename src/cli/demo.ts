/**
 * `nta-watch demo`: the whole NTA lifecycle on one machine in under two
 * minutes. With root, lab/lab.sh and the lab's servers installed it runs on
 * the lab's real resolvers (LAB_NET and LAB_DIR choose the lab, as for
 * lab.sh); otherwise, or with --simulation, on the built-in simulation.
 * --lab insists on the lab and waits for it when another run holds it.
 * Exit status 0 when every step happened in time, 1 otherwise, 2 on a usage
 * error. -h/--help prints the usage.
 */
import { simulationBackend, type DemoBackend } from "../demo/backend.js";
import { labAvailable, labBackend } from "../demo/lab.js";
import { LabBusy } from "../demo/lab-lock.js";
import { runDemo } from "../demo/run.js";

const USAGE = `usage: nta-watch demo [--simulation | --lab]

  the whole lifecycle of one break: on the lab's real resolvers when it can run here
  (as root, with the lab's packages), otherwise on a built-in simulation
  --simulation  always the simulation
  --lab         always the lab, waiting for another run that holds it

exit status: 0 every step happened in time, 1 otherwise, 2 usage error`;
/** With --lab: how long to wait for another run (a test suite, say) to release the lab. */
const LAB_WAIT_MS = 10 * 60_000;

async function chooseBackend(flags: Set<string>): Promise<DemoBackend | number> {
  const now = () => Math.floor(Date.now() / 1000);
  const say = (line: string) => console.log(`lab: ${line}`);
  const lab = flags.has("--simulation") ? { ok: false, why: "--simulation given" } : labAvailable();
  if (flags.has("--lab") && !lab.ok) {
    console.error(`nta-watch demo: the lab cannot run here: ${lab.why}`);
    return 1;
  }
  if (lab.ok) {
    console.log(`mode: REAL LAB (lab/lab.sh: NSD and four validating resolvers; ${lab.why})`);
    try {
      return await labBackend({ say, waitMs: flags.has("--lab") ? LAB_WAIT_MS : 0 });
    } catch (error) {
      if (!(error instanceof LabBusy) || flags.has("--lab")) throw error;
      console.log(`mode: SIMULATION instead (${error.message}; --lab waits for it)`);
      return simulationBackend(now);
    }
  }
  console.log(`mode: SIMULATION (the lab is not used: ${lab.why})`);
  return simulationBackend(now);
}

export async function run(args: string[]): Promise<number> {
  const flags = new Set(args);
  if (flags.has("--help") || flags.has("-h")) {
    console.log(USAGE);
    return 0;
  }
  for (const a of flags) {
    if (a !== "--simulation" && a !== "--lab") {
      console.error(`nta-watch demo: unknown option ${a}\n${USAGE}`);
      return 2;
    }
  }
  if (flags.has("--simulation") && flags.has("--lab")) {
    console.error(`nta-watch demo: --simulation and --lab exclude each other\n${USAGE}`);
    return 2;
  }
  const chosen = await chooseBackend(flags);
  if (typeof chosen === "number") return chosen;
  const backend = chosen;
  // Interrupted: the lab is healed or stopped and released all the same.
  const interrupted = () => {
    void backend.stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    const result = await runDemo({ backend, out: (line) => console.log(line) });
    if (!result.ok) {
      console.error(`nta-watch demo: ${result.failure}`);
      return 1;
    }
    return 0;
  } finally {
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await backend.stop();
  }
}
