/**
 * The demo: the whole NTA lifecycle (RFC 7646) on one machine, narrated.
 * The real service runs in this process (SQLite file, probe engine, the
 * HTTP API); the demo drives its probe rounds back to back (the schedule's
 * floor is 10 s; a demo cannot wait that long), breaks and fixes the zone
 * through the backend, and acts as the person through the HTTP API with an
 * approver token. NTAs reach the resolvers through the Reconciler.
 *
 * Every step has a time limit; a step that does not happen in time ends
 * the demo with the reason.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { parseConfig } from "../config/load.js";
import { MemoryLedger } from "../resolvers/runner.js";
import { Reconciler } from "../resolvers/reconciler.js";
import type { ReconcileReport } from "../resolvers/runner.js";
import { bootParts } from "../service/boot.js";
import type { RoundOutcome } from "../service/apply.js";
import { Service } from "../service/service.js";
import type { DemoBackend } from "./backend.js";
import { askResolver } from "./ask.js";

export const DEMO_ACTOR = "demo-operator";

/** Each step's time limit, ms. */
export const STEP_LIMIT_MS = 30_000;
const ROUND_GAP_MS = 1000;

export interface DemoOptions {
  backend: DemoBackend;
  /** Receives each narrated line. */
  out: (line: string) => void;
  stepLimitMs?: number;
}

export interface DemoResult {
  ok: boolean;
  /** Why the demo stopped early. */
  failure?: string;
  /** The demo's own steps, in the order they happened. */
  steps: string[];
  /** Milestones of the incident report, in its order. */
  milestones: string[];
  reportMarkdown?: string;
  seconds: number;
}

class StepFailed extends Error {}

type Body = Record<string, unknown> & { [k: string]: unknown };

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { backend, out } = options;
  const limit = options.stepLimitMs ?? STEP_LIMIT_MS;
  const started = Date.now();
  const steps: string[] = [];
  const say = (text: string) => {
    const t = ((Date.now() - started) / 1000).toFixed(1).padStart(5);
    const clock = new Date().toISOString().slice(11, 19);
    out(`${clock} +${t}s  ${text}`);
  };
  const step = (name: string, text: string) => {
    steps.push(name);
    say(`== ${text}`);
  };

  const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-demo-"));
  const token = randomBytes(24).toString("hex");
  const env = { NTA_DEMO_TOKEN: token };
  writeFileSync(path.join(dir, "trust-anchor.key"), backend.trustAnchor);
  const parsed = parseConfig(
    {
      ...backend.config,
      trustAnchors: [{ file: "trust-anchor.key" }],
      // The floors of the schema: the shortest streaks that still mean something.
      probe: { interval: "10s", jitter: 0, timeout: "1s", retries: 1, lookupBudget: "5s" },
      thresholds: {
        consecutiveRounds: 2,
        recoveryRounds: 1,
        minImplementations: 1,
        ntaLifetimeDefaultSeconds: 3600,
      },
      store: { path: path.join(dir, "state.db") },
      api: {
        listen: "127.0.0.1",
        port: 0,
        tokens: [{ name: DEMO_ACTOR, role: "approver", env: "NTA_DEMO_TOKEN" }],
      },
    },
    { env },
  );
  if (!parsed.ok) throw new Error(`demo configuration rejected: ${JSON.stringify(parsed.errors)}`);
  const booted = await bootParts(parsed.config, path.join(dir, "nta-watch.yaml"), {
    env,
    logger: pino({ level: "silent" }),
    ...(backend.transport ? { engine: { transport: backend.transport } } : {}),
    schedule: false,
  });
  if (!booted.ok) throw new Error(`demo boot failed: ${JSON.stringify(booted.errors)}`);
  const service = await Service.start(booted.parts);
  const zone = backend.zone;
  const reconciler = new Reconciler({
    adapters: backend.adapters,
    desired: () =>
      Promise.resolve(
        service.store.ntas({ inForce: true }).map((n) => ({
          zone: n.zone,
          expiresAt: n.expiresAt * 1000,
          reason: n.reason,
        })),
      ),
    ledger: new MemoryLedger(),
    now: () => Date.now(),
    retry: { attempts: 2, backoffMs: 200, backoffCapMs: 1000 },
    resolverBudgetMs: 10_000,
    dryRun: false,
    intervalMs: 60_000,
    onReport: () => undefined,
    onError: () => undefined,
  });

  const { port } = service.address();
  const api = async (method: "GET" | "POST", p: string, payload?: object) => {
    const r = await fetch(`http://127.0.0.1:${port}${p}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload ? { "content-type": "application/json" } : {}),
      },
      ...(payload ? { body: JSON.stringify(payload) } : {}),
    });
    const text = await r.text();
    if (r.status >= 300) throw new StepFailed(`${method} ${p}: HTTP ${r.status} ${text}`);
    return p.endsWith(".md") ? { markdown: text } : (JSON.parse(text) as Body);
  };
  const z = encodeURIComponent(zone);

  let phase = "unknown";
  let rounds = 0;
  const round = async (): Promise<RoundOutcome> => {
    const o = await service.runRound(zone);
    if (!o) throw new StepFailed("the service did not store the round");
    rounds++;
    const next = o.state.phase;
    const failing = o.assessment.widespread.evidence.summary;
    say(
      `round ${rounds}: ${o.assessment.status}; phase ${next}${next !== phase ? ` (was ${phase})` : ""}`,
    );
    if (next !== phase) say(`   widespread: ${failing}`);
    phase = next;
    return o;
  };
  const roundsUntil = async (want: string, what: string) => {
    const deadline = Date.now() + limit;
    for (;;) {
      const o = await round();
      if (o.state.phase === want) return o;
      if (Date.now() > deadline) {
        throw new StepFailed(`${what}: phase still ${o.state.phase} after ${limit / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, ROUND_GAP_MS));
    }
  };
  // With `want`, each resolver is asked again (caches settling) until its
  // answer starts so, at most the step's limit.
  const showResolvers = async (what: string, want?: string) => {
    for (const r of backend.resolvers) {
      const deadline = Date.now() + limit;
      let answer = await askResolver(r, backend.canary);
      while (want !== undefined && !answer.startsWith(want) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS));
        answer = await askResolver(r, backend.canary);
      }
      say(`   ${r.name} answers ${backend.canary} A ${what}: ${answer}`);
      if (want !== undefined && !answer.startsWith(want)) {
        throw new StepFailed(`${r.name} answers ${answer} ${what}, not ${want}`);
      }
    }
  };
  const showReport = (report: ReconcileReport | undefined, verb: string): number => {
    if (!report) throw new StepFailed("the reconciler could not run");
    let okCount = 0;
    for (const r of report.resolvers) {
      const acts = r.actions.map(
        (a) => `${a.action.op} ${a.action.zone} ${a.ok ? "ok" : `failed: ${a.error?.message}`}`,
      );
      const good = r.reachable && r.actions.every((a) => a.ok);
      if (good) okCount++;
      say(`   ${r.resolver}: ${acts.join(", ") || "nothing to do"}`);
    }
    say(`   NTA ${verb} on ${okCount} of ${report.resolvers.length} resolvers`);
    return okCount;
  };

  let result: DemoResult;
  try {
    say(`nta-watch demo on the ${backend.mode}: ${backend.description}`);
    say(`service: SQLite ${parsed.config.store.path}, API http://127.0.0.1:${port}, zone ${zone}`);
    say(
      `thresholds at their floors: ${parsed.config.thresholds.consecutiveRounds} failing rounds, ` +
        `${parsed.config.thresholds.recoveryRounds} valid round to retract; rounds run back to back`,
    );

    step("healthy", `1. a healthy zone`);
    await roundsUntil("healthy", "healthy zone");
    await showResolvers("now");

    step(
      "break",
      `2. the zone's operator breaks its signing: ${zone} ${backend.breakDescription ?? "re-signed with signatures that expired two days ago"}`,
    );
    await backend.breakZone();
    await showResolvers("now");

    step("widespread", "3. the failure is seen from every vantage, round after round");
    await roundsUntil("broken", "widespread failure");
    const pre = (await api("GET", `/api/v1/zones/${z}/preconditions`)) as {
      preconditions: Record<string, { met: boolean; evidence: { summary: string } }>;
    };
    for (const [name, p] of Object.entries(pre.preconditions)) {
      say(`   precondition ${name}: ${p.met ? "MET" : "not met"}: ${p.evidence.summary}`);
    }

    step("confirmation", "4. the registry confirms the break in public; a person records it");
    say(`   confirming as ${DEMO_ACTOR} (a person's act in real use)`);
    await api("POST", `/api/v1/zones/${z}/confirm`, {
      reference: `demo: the ${zone} registry's status page reports its signer stopped refreshing signatures`,
    });

    step("proposal", "5. all three preconditions hold: the watcher proposes an NTA");
    await roundsUntil("proposed", "proposal");
    const props = (await api("GET", `/api/v1/proposals?open=true&zone=${z}`)) as {
      proposals: { proposedAt: number; lifetimeSeconds: number; lifetimeNote: string }[];
    };
    const proposal = props.proposals[0];
    if (!proposal) throw new StepFailed("no open proposal although the phase is proposed");
    say(
      `   proposed NTA for ${zone}, lifetime ${proposal.lifetimeSeconds} s: ${proposal.lifetimeNote}`,
    );

    step("approval", "6. a person approves (RFC 7646 §2.1: never automatic)");
    say(`   approving as ${DEMO_ACTOR} (a person's act in real use)`);
    await api("POST", `/api/v1/zones/${z}/approve`, {
      reason: "demo: registry confirmed an expired-signature signer failure",
      lifetimeSeconds: 3600,
      proposalAt: proposal.proposedAt,
    });

    step("applied", "7. the NTA goes to the resolvers");
    const applied = showReport(await reconciler.trigger(), "applied");
    if (applied === 0) throw new StepFailed("the NTA reached no resolver");
    // RFC 7646 §2: under the NTA, answers come without validation.
    await showResolvers("under the NTA", "NOERROR, no AD");
    await round();

    step("fix", `8. the zone's operator fixes its signer: ${zone} re-signed with a valid window`);
    await backend.fixZone();

    step("retraction", "9. valid everywhere again: the watcher retracts the NTA");
    await roundsUntil("retracted", "retraction");
    showReport(await reconciler.trigger(), "removed");
    await showResolvers("after the retraction", "NOERROR, AD");

    step("closed", "10. back to healthy: the incident closes");
    await roundsUntil("healthy", "incident closed");
    const incidents = (await api("GET", `/api/v1/incidents?zone=${z}`)) as {
      incidents: { id: string }[];
    };
    const id = incidents.incidents[0]?.id;
    if (!id) throw new StepFailed("no incident recorded");
    const json = (await api("GET", `/api/v1/incidents/${encodeURIComponent(id)}/report.json`)) as {
      report: { rows: { milestone: string }[] };
    };
    const md = (await api("GET", `/api/v1/incidents/${encodeURIComponent(id)}/report.md`)) as {
      markdown: string;
    };
    step("report", "11. the incident report");
    out("");
    out(md.markdown);
    const seconds = (Date.now() - started) / 1000;
    say(`demo complete on the ${backend.mode} in ${seconds.toFixed(1)} s`);
    result = {
      ok: true,
      steps,
      milestones: json.report.rows.map((r) => r.milestone),
      reportMarkdown: md.markdown,
      seconds,
    };
  } catch (e) {
    const failure = e instanceof Error ? e.message : String(e);
    say(`demo FAILED: ${failure}`);
    result = { ok: false, failure, steps, milestones: [], seconds: (Date.now() - started) / 1000 };
  } finally {
    reconciler.stop();
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
