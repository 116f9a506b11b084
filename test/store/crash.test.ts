/**
 * RFC 7646 §2.1 makes every NTA a person's decision: once a person was told
 * "approved", the approval, its audit entry and its expiry must survive a
 * crash. A child process approves NTAs in a tight loop and is killed with
 * SIGKILL at an arbitrary moment, again and again; after each kill the
 * database must be sound and hold everything whose commit had returned.
 */

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";

const CHILD = path.join(import.meta.dirname, "crash-child.ts");
const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-crash-"));
const dbPath = path.join(dir, "state.db");
const sidecar = path.join(dir, "committed.log");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Committed {
  zone: string;
  expiresAt: number;
  action: "approve" | "extend";
}

/** Complete lines only: a line cut by the kill was never promised. */
function committed(): Committed[] {
  if (!existsSync(sidecar)) return [];
  return readFileSync(sidecar, "utf8")
    .split("\n")
    .filter((l) => l.endsWith("}"))
    .map((l) => JSON.parse(l) as Committed);
}

function lineCount(): number {
  return existsSync(sidecar) ? readFileSync(sidecar, "utf8").split("\n").length - 1 : 0;
}

function allAudit(store: Store) {
  const out = [];
  for (let page = store.audit({ limit: 1000 }); page.length > 0;) {
    out.push(...page);
    page = store.audit({ afterId: page.at(-1)!.id, limit: 1000 });
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runAndKill(first: number, atLeast: number, extraMs: number): Promise<void> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, dbPath, sidecar, String(first)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const before = lineCount();
  // Wait for the child to have committed a few approvals, then a little more, then kill it.
  while (lineCount() < before + atLeast && child.exitCode === null) await sleep(5);
  await sleep(extraMs);
  if (child.exitCode !== null) throw new Error(`child ended on its own: ${stderr}`);
  child.kill("SIGKILL");
  await exited;
}

describe("RFC 7646 §2.1: approvals survive a crash (SIGKILL mid-write)", () => {
  const kills = 6;

  it(`loses no approved NTA, audit entry or expiry over ${kills} kills`, async () => {
    for (let k = 0; k < kills; k++) {
      await runAndKill(100_000 * (k + 1), 3, Math.floor(Math.random() * 40));

      const store = Store.open(dbPath, 0);
      try {
        expect(store.integrityCheck()).toBe("ok");
        const ntas = store.ntas();
        const audit = allAudit(store);

        // Every NTA row has the audit entry of the approval that made it.
        for (const n of ntas) {
          const entry = audit.find(
            (a) =>
              a.zone === n.zone &&
              a.actor === n.approvedBy &&
              a.at === n.approvedAt &&
              (a.action === "approve" || a.action === "extend"),
          );
          expect(entry, `audit entry for the NTA of ${n.zone}`).toBeDefined();
        }

        // Every approval whose commit returned is there, with its expiry and audit entry.
        const promised = committed();
        expect(promised.length).toBeGreaterThan(0);
        for (const c of promised) {
          const rows = ntas.filter((n) => n.zone === c.zone);
          expect(
            rows.map((n) => n.expiresAt),
            c.zone,
          ).toContain(c.expiresAt);
          expect(audit.some((a) => a.zone === c.zone && a.action === c.action)).toBe(true);
          // An extension may have committed after the last line was written, never less.
          const inForce = rows.filter((n) => n.endedAt === null);
          expect(inForce).toHaveLength(1);
          expect(inForce[0]!.expiresAt).toBeGreaterThanOrEqual(c.expiresAt);
          const state = store.zone(c.zone)!.state;
          expect(state.phase).toBe("active");
          expect(state.nta?.expiresAt).toBe(inForce[0]!.expiresAt);
        }

        // A zone whose state says active has its NTA row in force, and the reverse.
        for (const z of store.zones()) {
          const inForce = ntas.filter((n) => n.zone === z.zone && n.endedAt === null);
          if (z.state.phase === "active") {
            expect(inForce.map((n) => n.expiresAt)).toEqual([z.state.nta!.expiresAt]);
          } else {
            expect(inForce).toEqual([]);
          }
        }
      } finally {
        store.close();
      }
    }
  });
});
