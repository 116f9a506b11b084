/**
 * Whole-zone verification, start-up included: each command is run as its
 * own process N times, the commands taking turns (so that a burst of load
 * on the machine hits them alike), and the median wall time is reported.
 */
import { spawnSync } from "node:child_process";

export interface ZoneCommand {
  name: string;
  argv: string[];
}

export interface ZoneTiming {
  name: string;
  command: string;
  medianMs: number;
  minMs: number;
  /** Exit statuses seen (0 expected: every signature verifies). */
  statuses: number[];
}

export function available(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" }).status === 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function timeCommands(commands: ZoneCommand[], runs: number): ZoneTiming[] {
  const times = commands.map(() => [] as number[]);
  const statuses = commands.map(() => new Set<number>());
  for (let r = 0; r < runs; r++) {
    for (const [i, c] of commands.entries()) {
      const start = process.hrtime.bigint();
      const run = spawnSync(c.argv[0]!, c.argv.slice(1), { stdio: ["ignore", "ignore", "ignore"] });
      times[i]!.push(Number(process.hrtime.bigint() - start) / 1e6);
      statuses[i]!.add(run.status ?? -1);
    }
  }
  return commands.map((c, i) => ({
    name: c.name,
    command: c.argv.join(" "),
    medianMs: median(times[i]!),
    minMs: Math.min(...times[i]!),
    statuses: [...statuses[i]!],
  }));
}
