/**
 * `nta-watch demo` on the lab's real servers (lab/lab.sh): NSD, Unbound,
 * BIND, Knot Resolver and PowerDNS Recursor. The lab is taken with
 * startLab() (the machine-wide lock); the demo's lab backend finds the lock
 * held by this process and the lab running, heals and reuses it, and leaves
 * it to stopLab().
 *
 * The milestones come from the incident report the service wrote, in the
 * order RFC 7646 sets: a proposal only once the failure is widespread and
 * confirmed, an approval by a person (§2.1), retraction once the zone
 * validates again (§4). The resolvers' answers are those the demo asked
 * each real resolver for.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DemoBackend } from "../../src/demo/backend.js";
import { labBackend } from "../../src/demo/lab.js";
import { DEMO_ACTOR, runDemo, type DemoResult } from "../../src/demo/run.js";
import { dig } from "./lab-dig.js";
import {
  describeLab,
  lab,
  LAB_START_TIMEOUT_MS,
  LAB_STOP_TIMEOUT_MS,
  startLab,
  stopLab,
} from "./lab.js";

const DEMO_MS = 5 * 60_000;

describeLab("RFC 7646: the demo's lifecycle on the lab's four real resolvers", () => {
  let backend: DemoBackend | undefined;
  let result: DemoResult;
  const lines: string[] = [];
  const told: string[] = [];

  beforeAll(async () => {
    await startLab();
    backend = await labBackend({ say: (l) => told.push(l) });
    result = await runDemo({ backend, out: (l) => lines.push(l) });
  }, LAB_START_TIMEOUT_MS + DEMO_MS);
  afterAll(async () => {
    await backend?.stop();
    await stopLab();
  }, LAB_STOP_TIMEOUT_MS);

  it("runs on the lab, reusing the lab this file started, and says so", () => {
    expect(backend?.mode).toBe("lab");
    expect(told[0]).toMatch(/^reusing the lab already running/);
    expect(lines.some((l) => l.includes("nta-watch demo on the lab:"))).toBe(true);
  });

  it("completes every step in order", () => {
    expect(result.failure).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.steps).toEqual([
      "healthy",
      "break",
      "widespread",
      "confirmation",
      "proposal",
      "approval",
      "applied",
      "fix",
      "retraction",
      "closed",
      "report",
    ]);
  });

  it("reports the incident's milestones in the lifecycle's order", () => {
    const order = [
      "first-failure",
      "widespread",
      "confirmation",
      "proposal",
      "approval",
      "recovery-seen",
      "retraction",
      "closed",
    ];
    expect(result.milestones.filter((m) => order.includes(m))).toEqual(order);
    expect(result.reportMarkdown).toContain(`| approval | ${DEMO_ACTOR} |`);
  });

  it("says the confirmation and the approval stand for a person's acts", () => {
    expect(lines.some((l) => l.includes(`confirming as ${DEMO_ACTOR} (a person's act`))).toBe(true);
    expect(lines.some((l) => l.includes(`approving as ${DEMO_ACTOR} (a person's act`))).toBe(true);
  });

  it("pushes the NTA to and removes it from every resolver through its control channel", () => {
    for (const r of lab.resolvers) {
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`  ${r.name}: add watched\\. ok$`)),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`  ${r.name}: remove watched\\. ok$`)),
      );
    }
  });

  it("shows every resolver SERVFAIL when broken, NOERROR without AD under the NTA (RFC 7646 §2), AD after", () => {
    const answer = (r: string, when: string) =>
      lines.find((l) => l.includes(`${r} answers www.watched. A ${when}: `)) ?? "";
    for (const r of lab.resolvers) {
      const asked = lines.filter((l) => l.includes(`${r.name} answers www.watched. A now: `));
      expect(asked.map((l) => l.split(": ").at(-1)?.split(",")[0])).toEqual([
        "NOERROR",
        "SERVFAIL",
      ]);
      expect(answer(r.name, "under the NTA")).toContain(": NOERROR, no AD, 192.0.2.1");
      expect(answer(r.name, "after the retraction")).toContain(": NOERROR, AD, 192.0.2.1");
    }
  });

  it("leaves no NTA on any resolver, and every resolver validating (dig: NOERROR, AD)", async () => {
    for (const a of backend!.adapters) {
      expect(await a.list()).toEqual({ ok: true, value: [] });
    }
    for (const r of lab.resolvers) {
      const a = await dig(r.address, lab.names.watched, "A");
      expect([r.name, a.status, a.flags.includes("ad")]).toEqual([r.name, "NOERROR", true]);
    }
  });
});
