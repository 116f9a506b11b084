/**
 * The machine-wide lock on one lab. The lab's addresses (LAB_NET.0.0/16)
 * belong to the whole machine, not to one checkout, so whoever uses a lab
 * (the demo, a test file of the end-to-end suite, another clone's CI run)
 * holds a lock keyed by LAB_NET first: a folder in the system's temporary
 * folder with the holder's pid in it. A holder that died leaves a stale
 * lock, which the next one removes.
 *
 * The format is the end-to-end tests' (test/e2e/lab.ts), so the demo and the
 * tests exclude each other. A lock held by this very process means the
 * caller took the lab already (a test that runs the demo): it is used as it
 * is, and left to its holder to release.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export function lockPath(net: string): string {
  return path.join(tmpdir(), `nta-watch-lab-${net}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function ownerOf(lock: string): number {
  try {
    return Number(readFileSync(path.join(lock, "owner"), "utf8"));
  } catch {
    // The holder is between creating the folder and writing its pid.
    return Number.NaN;
  }
}

export class LabBusy extends Error {
  constructor(
    readonly owner: number,
    readonly lock: string,
  ) {
    super(`the lab is in use by process ${owner} (lock ${lock})`);
  }
}

export interface LabLock {
  /** False when this process held the lock before (its holder releases it). */
  readonly ours: boolean;
  release(): void;
}

/**
 * Takes the lab's lock, waiting at most `waitMs` for another holder;
 * `onWait` is told once who holds it. Throws LabBusy after the wait.
 */
export async function acquireLabLock(
  net: string,
  waitMs: number,
  onWait?: (owner: number) => void,
): Promise<LabLock> {
  const lock = lockPath(net);
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "owner"), String(process.pid));
      let held = true;
      return {
        ours: true,
        release: () => {
          if (held) rmSync(lock, { recursive: true, force: true });
          held = false;
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = ownerOf(lock);
    if (owner === process.pid) return { ours: false, release: () => undefined };
    if (Number.isInteger(owner) && !alive(owner)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new LabBusy(owner, lock);
    if (!told && Number.isInteger(owner)) {
      onWait?.(owner);
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
