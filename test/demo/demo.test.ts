/**
 * `nta-watch demo` on the built-in simulation, end to end: in-Node
 * authoritative servers and validating resolvers, the real service with its
 * SQLite file and HTTP API. The milestones are read from the incident
 * report the service wrote, and must come in the order RFC 7646 sets: a
 * proposal only after the failure is widespread and confirmed (§2.1), an
 * approval by a person, retraction once the zone validates (§4).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulationBackend, type DemoBackend } from "../../src/demo/backend.js";
import { askResolver } from "../../src/demo/ask.js";
import { DEMO_ACTOR, runDemo, type DemoResult } from "../../src/demo/run.js";

const now = () => Math.floor(Date.now() / 1000);

describe("RFC 7646: the demo's lifecycle on the simulation", () => {
  let backend: DemoBackend;
  let result: DemoResult;
  const lines: string[] = [];

  beforeAll(async () => {
    backend = await simulationBackend(now);
    result = await runDemo({ backend, out: (l) => lines.push(l) });
  }, 120_000);
  afterAll(() => backend.stop());

  it("completes every step", () => {
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
    const seen = result.milestones.filter((m) => order.includes(m));
    expect(seen).toEqual(order);
  });

  it("says which mode it used and that the approval stands for a person's act", () => {
    expect(lines.some((l) => l.includes("demo on the simulation"))).toBe(true);
    expect(
      lines.some((l) => l.includes(`approving as ${DEMO_ACTOR} (a person's act in real use)`)),
    ).toBe(true);
    expect(result.reportMarkdown).toContain(`| approval | ${DEMO_ACTOR} |`);
  });

  it("shows SERVFAIL with EDE 7 (signature expired, RFC 8914 §4.8) while broken and AD under no NTA after the fix", () => {
    const broken = lines.filter((l) => l.includes("answers www.watched. A now: SERVFAIL"));
    expect(broken.length).toBe(backend.resolvers.length);
    expect(broken.every((l) => l.includes("EDE 7"))).toBe(true);
    const underNta = lines.filter((l) => l.includes("under the NTA: NOERROR, no AD"));
    expect(underNta.length).toBe(backend.resolvers.length);
    const after = lines.filter((l) => l.includes("after the retraction: NOERROR, AD"));
    expect(after.length).toBe(backend.resolvers.length);
  });

  it("leaves no NTA on any resolver at the end", async () => {
    for (const a of backend.adapters) {
      const listed = await a.list();
      expect(listed).toEqual({ ok: true, value: [] });
    }
    const answer = await askResolver(backend.resolvers[0]!, backend.canary);
    expect(answer.startsWith("NOERROR, AD")).toBe(true);
  });
});

describe("RFC 7646 §2.1: a step that does not happen in time fails the demo", () => {
  it("stops with the reason when the zone never breaks", async () => {
    const backend = await simulationBackend(now);
    backend.breakZone = () => Promise.resolve();
    try {
      const r = await runDemo({ backend, out: () => undefined, stepLimitMs: 2000 });
      expect(r.ok).toBe(false);
      expect(r.failure).toMatch(/widespread failure: phase still healthy/);
    } finally {
      await backend.stop();
    }
  }, 60_000);
});
