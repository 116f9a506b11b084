/**
 * `nta-watch demo`: the whole NTA lifecycle on one machine in under two
 * minutes. With root and the lab's packages installed it runs on the lab's
 * real resolvers; otherwise (or with --simulation) on the built-in
 * simulation. Exit status 0 when every step happened in time, 1 otherwise,
 * 2 on a usage error.
 */
import { simulationBackend, type DemoBackend } from "../demo/backend.js";
import { labAvailable, labBackend } from "../demo/lab.js";
import { runDemo } from "../demo/run.js";

const USAGE = "usage: nta-watch demo [--simulation | --lab]";

export async function run(args: string[]): Promise<number> {
  const flags = new Set(args);
  for (const a of flags) {
    if (a !== "--simulation" && a !== "--lab") {
      console.error(`nta-watch demo: unknown option ${a}\n${USAGE}`);
      return 2;
    }
  }
  const now = () => Math.floor(Date.now() / 1000);
  let backend: DemoBackend;
  const lab = flags.has("--simulation") ? { ok: false, why: "--simulation given" } : labAvailable();
  if (flags.has("--lab") && !lab.ok) {
    console.error(`nta-watch demo: the lab cannot run here: ${lab.why}`);
    return 1;
  }
  if (lab.ok) {
    console.log("mode: REAL LAB (lab/lab.sh: NSD and four validating resolvers)");
    backend = await labBackend();
  } else {
    console.log(`mode: SIMULATION (the lab is not used: ${lab.why})`);
    backend = await simulationBackend(now);
  }
  try {
    const result = await runDemo({ backend, out: (line) => console.log(line) });
    if (!result.ok) {
      console.error(`nta-watch demo: ${result.failure}`);
      return 1;
    }
    return 0;
  } finally {
    await backend.stop();
  }
}
