/**
 * Metrics and alerts of the real service on the lab (issue 7, "Tests"):
 * `node bin/nta-watch.js serve --config FILE` as a child process, probing
 * the lab's four real resolvers and the watched TLD's three NSD servers on
 * its own schedule, its state in a temporary SQLite file, its API on
 * 127.0.0.1, and a webhook receiver started here.
 *
 * - Healthy: GET /metrics, scraped over HTTP, shows what the lab is: every
 *   vantage up, one authoritative gauge per NS of the watched zone (read from
 *   the signed zone file lab.sh wrote), the zone healthy, every probe secure
 *   and counted, and the earliest signature expiration equal to the earliest
 *   RRSIG expiration in that zone file.
 * - Expired signatures: the state and precondition gauges follow the zone to
 *   broken and, after a person's confirmation through the API, proposed. The
 *   receiver answers 500 at first: an alert arrives after retries, signed
 *   with the webhook's secret (HMAC-SHA256); the proposal, still failing when
 *   the service is stopped with SIGTERM, arrives exactly once after the
 *   service is started again on the same store.
 * - Debian's Prometheus scrapes the service with dashboards/prometheus-rules.yml
 *   loaded, and holds the proposal's alert rule pending.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { stringify } from "yaml";
import { SIGNATURE_HEADER, verifySignature } from "../../src/notify/sign.js";
import { parseExposition, valueOf, type Sample } from "../metrics/support.js";
import { startReceiver, type Receiver, type Received } from "../notify/receiver.js";
import {
  breakZone,
  describeLab,
  lab,
  LAB_START_TIMEOUT_MS,
  LAB_STEP_TIMEOUT_MS,
  LAB_STOP_TIMEOUT_MS,
  startLab,
  stopLab,
} from "./lab.js";
import { watchedZoneFacts, type WatchedZoneFacts } from "./lab-zone.js";
import { Prometheus } from "./prometheus.js";
import { freePort, ServeProcess, until } from "./serve-process.js";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const ZONE = lab.zones.watched;
const CHANNEL = "webhook:pager";
const SECRET = "pager-hmac-secret-0123456789abcdef";
const TOKENS = {
  LAB_APPROVER: "metrics-approver-token-0123456789abcdef",
  LAB_VIEWER: "metrics-viewer-token-0123456789abcdef",
};
/**
 * The canaries derived for a zone with signedChild and unsignedChild set and
 * none configured (src/probe/canaries.ts): soa, dnskey, signed-child-ds,
 * unsigned-child-ds, nxdomain.
 */
const CANARIES = 5;
/** What a receiver that is down answers, for as long as the test needs. */
const DOWN = Array.from({ length: 10_000 }, () => 500);

const WAIT_MS = 4 * 60_000;
const HEALTHY_MS = 6 * 60_000;
const STORY_MS = 15 * 60_000;

/** The configuration an operator would write for the lab, rounds every 10 s. */
function serveConfig(dir: string, port: number, hookUrl: string): Record<string, unknown> {
  return {
    trustAnchors: [{ file: lab.trustAnchorFile }],
    rootServers: [lab.authoritative.root],
    vantages: lab.resolvers.map((v) => ({
      name: v.name,
      address: v.address,
      software: v.software,
    })),
    zones: [
      {
        name: ZONE,
        signedChild: lab.zones.signedChild,
        unsignedChild: lab.zones.unsignedChild,
      },
    ],
    controlZones: [lab.zones.control],
    probe: { interval: "10s", jitter: "0s", timeout: "2s", retries: 1 },
    thresholds: { consecutiveRounds: 2, recoveryRounds: 1 },
    store: { path: path.join(dir, "state.db") },
    api: {
      listen: "127.0.0.1",
      port,
      tokens: [
        { name: "alice", role: "approver", env: "LAB_APPROVER" },
        { name: "viewer", role: "viewer", env: "LAB_VIEWER" },
      ],
    },
    notify: {
      webhooks: [{ name: "pager", url: hookUrl, secret: { env: "PAGER_SECRET" } }],
      retryInitial: "1s",
      retryMax: "1m",
      pollInterval: "1s",
    },
  };
}

let dir: string | undefined;
let serve: ServeProcess | undefined;
let receiver: Receiver | undefined;
let prometheus: Prometheus | undefined;
let facts: WatchedZoneFacts;

/** A response body as the tests read it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Body = Record<string, any>;

async function get(p: string): Promise<Body> {
  const r = await fetch(`${serve!.url}${p}`, {
    headers: { authorization: `Bearer ${TOKENS.LAB_VIEWER}` },
  });
  if (r.status !== 200) throw new Error(`GET ${p}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Body;
}

async function post(p: string, payload: object): Promise<{ status: number; body: Body }> {
  const r = await fetch(`${serve!.url}${p}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${TOKENS.LAB_APPROVER}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(payload),
  });
  return { status: r.status, body: (await r.json()) as Body };
}

async function scrape(): Promise<Sample[]> {
  const r = await fetch(`${serve!.url}/metrics`);
  expect(r.status).toBe(200);
  expect(r.headers.get("content-type")).toMatch(/^text\/plain/);
  return parseExposition(await r.text());
}

const named = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );

const total = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  named(samples, name, labels).reduce((a, s) => a + s.value, 0);

/** The zone's one-hot state gauge, as { state: value }. */
const states = (samples: Sample[]) =>
  Object.fromEntries(
    named(samples, "nta_watch_zone_state", { zone: ZONE }).map((s) => [s.labels.state, s.value]),
  );

const phase = async (): Promise<string> => (await get(`/api/v1/zones/${ZONE}`)).phase as string;

/** Waits until the zone is in `wanted` by the API; fails naming the phase it stayed in. */
async function phaseBecomes(wanted: string): Promise<void> {
  let seen = "";
  await until(
    `${ZONE} to become ${wanted} (last seen ${seen || "nothing"})`,
    async () => {
      seen = await phase();
      return seen === wanted ? true : undefined;
    },
    WAIT_MS,
  );
}

const alertOf = (r: Received) => JSON.parse(r.body) as Body;
const requestsFor = (id: string) => receiver!.received.filter((r) => alertOf(r).id === id);

function expectSignedBy(r: Received, secret: string): void {
  const header = r.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined;
  const now = Math.floor(Date.now() / 1000);
  expect(verifySignature(header, r.body, secret, now)).toEqual({
    ok: true,
    t: expect.any(Number),
  });
  expect(verifySignature(header, r.body, "another-secret-0123456789abcdef", now).ok).toBe(false);
}

describeLab("GET /metrics and webhook alerts of nta-watch serve, probing the lab", () => {
  beforeAll(async () => {
    await startLab();
    facts = watchedZoneFacts();
    dir = mkdtempSync(path.join(tmpdir(), "nta-watch-metrics-"));
    receiver = await startReceiver();
    const port = await freePort();
    const file = path.join(dir, "nta-watch.yaml");
    writeFileSync(file, stringify(serveConfig(dir, port, receiver.url)));
    serve = new ServeProcess(file, port, { ...TOKENS, PAGER_SECRET: SECRET });
    await serve.start();
  }, LAB_START_TIMEOUT_MS);

  afterAll(async () => {
    try {
      await prometheus?.stop();
      await serve?.stop();
      await receiver?.close();
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
      await stopLab();
    }
  }, LAB_STOP_TIMEOUT_MS);

  it(
    "healthy: every vantage up, one gauge per NS of the zone file, every probe secure and counted, the zone file's earliest RRSIG expiration",
    async () => {
      const samples = await until(
        "two probe rounds of the watched zone",
        async () => {
          const s = await scrape();
          return (valueOf(s, "nta_watch_rounds_total", { zone: ZONE }) ?? 0) >= 2 ? s : undefined;
        },
        WAIT_MS,
      );
      const rounds = valueOf(samples, "nta_watch_rounds_total", { zone: ZONE })!;

      const version = (JSON.parse(readFileSync(path.join(REPO, "package.json"), "utf8")) as Body)
        .version as string;
      expect(valueOf(samples, "nta_watch_build_info", { version })).toBe(1);

      // Each of the lab's four resolvers answered.
      const up = named(samples, "nta_watch_vantage_up");
      expect(Object.fromEntries(up.map((s) => [s.labels.vantage, s.value]))).toEqual(
        Object.fromEntries(lab.resolvers.map((r) => [r.name, 1])),
      );

      // One authoritative server per NS of the zone as lab.sh signed it, each answering.
      const servers = named(samples, "nta_watch_authoritative_up", { zone: ZONE });
      expect(servers).toHaveLength(facts.nameservers.length);
      expect(Object.fromEntries(servers.map((s) => [s.labels.server, s.value]))).toEqual(
        Object.fromEntries(facts.addresses.map((a) => [a, 1])),
      );
      expect(facts.addresses).toEqual([...lab.authoritative.watched].sort());

      expect(states(samples)).toMatchObject({ healthy: 1, broken: 0, proposed: 0 });
      expect(total(samples, "nta_watch_zone_state", { zone: ZONE })).toBe(1);
      expect(valueOf(samples, "nta_watch_zone_failing", { zone: ZONE })).toBe(0);
      for (const precondition of ["widespread", "confirmed"]) {
        expect(
          valueOf(samples, "nta_watch_zone_precondition_met", { zone: ZONE, precondition }),
          precondition,
        ).toBe(0);
      }

      // Every canary of every round, from each vantage and each server: answered and secure.
      for (const r of lab.resolvers) {
        const probes = named(samples, "nta_watch_probes_total", { zone: ZONE, vantage: r.name });
        expect(
          probes.map((s) => [s.labels.outcome, s.labels.verdict, s.labels.reason, s.value]),
          r.name,
        ).toEqual([["answered", "secure", "none", rounds * CANARIES]]);
        expect(
          valueOf(samples, "nta_watch_probe_duration_seconds_count", {
            zone: ZONE,
            vantage: r.name,
          }),
        ).toBe(rounds * CANARIES);
        // The control zone validates from the same vantage in the same rounds.
        const control = named(samples, "nta_watch_probes_total", {
          zone: lab.zones.control,
          vantage: r.name,
        });
        expect(control.length).toBeGreaterThan(0);
        expect(control.every((s) => s.labels.verdict === "secure")).toBe(true);
      }
      for (const server of facts.addresses) {
        const probes = named(samples, "nta_watch_authoritative_probes_total", {
          zone: ZONE,
          server,
        });
        expect(
          probes.map((s) => [s.labels.outcome, s.labels.verdict, s.labels.reason, s.value]),
          server,
        ).toEqual([["answered", "secure", "none", rounds * CANARIES]]);
      }

      // Every RRSIG of the zone was made by one dnssec-signzone run with one
      // end date: the earliest seen in a round is the file's earliest.
      expect(facts.signatures).toBeGreaterThan(CANARIES);
      expect(
        valueOf(samples, "nta_watch_zone_signature_expiration_earliest_timestamp_seconds", {
          zone: ZONE,
        }),
      ).toBe(facts.earliestExpiration);
      expect(
        valueOf(samples, "nta_watch_zone_signature_horizon_timestamp_seconds", { zone: ZONE }),
      ).toBe(facts.earliestExpiration);
      expect(valueOf(samples, "nta_watch_clock_suspect", { zone: ZONE })).toBe(0);
      expect(valueOf(samples, "nta_watch_alert_outbox_pending")).toBe(0);
    },
    HEALTHY_MS,
  );

  it(
    "expired signatures: state and precondition gauges follow the zone, alerts arrive signed after the receiver's errors, the proposal exactly once across a restart",
    async () => {
      // The receiver is down from the break on.
      receiver!.script = DOWN;
      await breakZone("expired");
      await phaseBecomes("broken");

      let samples = await scrape();
      expect(states(samples)).toMatchObject({ healthy: 0, broken: 1, proposed: 0 });
      expect(total(samples, "nta_watch_zone_state", { zone: ZONE })).toBe(1);
      const met = (s: Sample[]) =>
        Object.fromEntries(
          named(s, "nta_watch_zone_precondition_met", { zone: ZONE }).map((x) => [
            x.labels.precondition,
            x.value,
          ]),
        );
      expect(met(samples)).toEqual({ widespread: 1, confirmed: 0, no_security_value: 1 });
      expect(valueOf(samples, "nta_watch_zone_failing", { zone: ZONE })).toBe(1);
      // Every resolver of the lab fails the zone (lab/SCENARIOS.md, expired).
      expect(valueOf(samples, "nta_watch_zone_failing_vantage_ratio", { zone: ZONE })).toBe(1);
      // Nothing validates: no earliest expiration to show.
      expect(
        valueOf(samples, "nta_watch_zone_signature_expiration_earliest_timestamp_seconds", {
          zone: ZONE,
        }),
      ).toBeUndefined();

      // Each failing round counts every canary bogus (expired) from every
      // vantage and server alike; nothing is ever indeterminate on the lab.
      const rounds = valueOf(samples, "nta_watch_rounds_total", { zone: ZONE })!;
      const bogus: number[] = [];
      const paths = [
        ...lab.resolvers.map((r) => ["nta_watch_probes_total", { vantage: r.name }] as const),
        ...facts.addresses.map(
          (server) => ["nta_watch_authoritative_probes_total", { server }] as const,
        ),
      ];
      for (const [name, labels] of paths) {
        const probes = named(samples, name, { zone: ZONE, ...labels });
        expect(total(probes, name)).toBe(rounds * CANARIES);
        expect(new Set(probes.map((s) => s.labels.verdict))).toEqual(new Set(["secure", "bogus"]));
        const failed = named(probes, name, { verdict: "bogus" });
        expect(failed.map((s) => [s.labels.outcome, s.labels.reason])).toEqual([
          ["answered", "signature-expired"],
        ]);
        bogus.push(failed[0]!.value);
      }
      expect(bogus[0]! % CANARIES).toBe(0);
      expect(bogus[0]!).toBeGreaterThanOrEqual(2 * CANARIES);
      expect(new Set(bogus).size).toBe(1);

      // An alert of the break is tried, refused, tried again: then the
      // receiver comes back and it arrives, signed.
      const retried = await until(
        "an alert tried twice against the receiver's 500s",
        () => {
          const ids = receiver!.received.map((r) => alertOf(r).id as string);
          return ids.find((id) => ids.filter((x) => x === id).length >= 2);
        },
        WAIT_MS,
      );
      receiver!.script = [];
      const delivered = await until(
        `alert ${retried} accepted by the receiver`,
        () => requestsFor(retried).find((r) => r.status === 200),
        WAIT_MS,
      );
      const attempts = requestsFor(retried);
      expect(attempts.map((r) => r.status).slice(0, 2)).toEqual([500, 500]);
      expect(attempts.at(-1)).toBe(delivered);
      expectSignedBy(delivered, SECRET);
      expect(alertOf(delivered)).toMatchObject({ version: 1, id: retried, zone: ZONE });
      const listed = await until(
        `alert ${retried} listed as sent`,
        async () =>
          ((await get(`/api/v1/alerts?zone=${ZONE}&status=sent`)).deliveries as Body[]).find(
            (d) => String(d.alertId) === retried,
          ),
        WAIT_MS,
      );
      expect(listed).toMatchObject({ channel: CHANNEL, status: "sent", attempts: attempts.length });
      // Every 500 the receiver gave is a failed attempt on the channel (polled:
      // an answer may be on its way back to the sender when the receiver logs it).
      const refused = () => receiver!.received.filter((r) => r.status !== 200).length;
      samples = await until(
        "the failed attempts counted",
        async () => {
          const s = await scrape();
          const n = valueOf(s, "nta_watch_alert_delivery_failures_total", { channel: CHANNEL });
          return n === refused() ? s : undefined;
        },
        WAIT_MS,
      );
      expect(refused()).toBeGreaterThanOrEqual(2);
      expect(
        valueOf(samples, "nta_watch_alerts_sent_total", { channel: CHANNEL }),
      ).toBeGreaterThanOrEqual(1);

      // The receiver goes down again; a person confirms; the zone is proposed.
      receiver!.script = DOWN;
      const confirmed = await post(`/api/v1/zones/${ZONE}/confirm`, {
        reference: "https://status.watched.example/incidents/7",
      });
      expect(confirmed.status).toBe(201);
      await phaseBecomes("proposed");
      const [proposal] = (await get("/api/v1/proposals?open=true")).proposals as Body[];
      expect(proposal).toMatchObject({ zone: ZONE });

      samples = await scrape();
      expect(states(samples)).toMatchObject({ broken: 0, proposed: 1 });
      expect(met(samples)).toEqual({ widespread: 1, confirmed: 1, no_security_value: 1 });
      expect(valueOf(samples, "nta_watch_proposal_created_timestamp_seconds", { zone: ZONE })).toBe(
        proposal!.proposedAt,
      );

      const proposalRequests = () =>
        receiver!.received.filter((r) => alertOf(r).kind === "proposal");
      await until(
        "the proposal alert tried twice against the receiver's 500s",
        () => (proposalRequests().length >= 2 ? true : undefined),
        WAIT_MS,
      );
      samples = await scrape();
      expect(valueOf(samples, "nta_watch_alert_outbox_pending")).toBeGreaterThanOrEqual(1);

      // SIGTERM while the proposal is still undelivered; started again on the same store.
      expect(await serve!.stop()).toBe(0);
      const before = proposalRequests();
      expect(before.every((r) => r.status === 500)).toBe(true);
      const proposalId = alertOf(before[0]!).id as string;
      expect(new Set(before.map((r) => alertOf(r).id))).toEqual(new Set([proposalId]));
      const seenBeforeRestart = receiver!.received.length;
      receiver!.script = [];
      await serve!.start();
      expect(await phase()).toBe("proposed");

      const arrived = await until(
        "the proposal accepted after the restart",
        () => proposalRequests().find((r) => r.status === 200),
        WAIT_MS,
      );
      expect(receiver!.received.indexOf(arrived)).toBeGreaterThanOrEqual(seenBeforeRestart);
      expectSignedBy(arrived, SECRET);
      const body = alertOf(arrived);
      expect(body).toMatchObject({
        version: 1,
        id: proposalId,
        kind: "proposal",
        zone: ZONE,
        state: "proposed",
        proposal: { proposedAt: proposal!.proposedAt },
      });
      for (const p of ["widespread", "confirmed", "noSecurityValue"]) {
        expect(body.preconditions[p].met, p).toBe(true);
      }

      // The outbox drains and a round of the restarted service is assessed
      // (the sender has polled many times meanwhile): one proposal, delivered once.
      await until(
        "the outbox empty and a round after the restart",
        async () => {
          const s = await scrape();
          const drained = valueOf(s, "nta_watch_alert_outbox_pending") === 0;
          const round = (valueOf(s, "nta_watch_rounds_total", { zone: ZONE }) ?? 0) >= 1;
          return drained && round ? s : undefined;
        },
        WAIT_MS,
      );
      const all = proposalRequests();
      expect(new Set(all.map((r) => alertOf(r).id))).toEqual(new Set([proposalId]));
      expect(all.filter((r) => r.status === 200)).toEqual([arrived]);
      const row = ((await get(`/api/v1/alerts?zone=${ZONE}`)).deliveries as Body[]).filter(
        (d) => d.kind === "proposal",
      );
      expect(row).toEqual([
        expect.objectContaining({
          alertId: Number(proposalId),
          channel: CHANNEL,
          status: "sent",
          attempts: all.length,
        }),
      ]);

      samples = await scrape();
      expect(states(samples)).toMatchObject({ proposed: 1 });
      expect(valueOf(samples, "nta_watch_alerts_sent_total", { channel: CHANNEL })).toBe(
        receiver!.received.slice(seenBeforeRestart).filter((r) => r.status === 200).length,
      );
      expect(valueOf(samples, "nta_watch_alert_outbox_failed")).toBe(0);
    },
    STORY_MS,
  );

  it(
    "Prometheus scraping the service holds NtaWatchProposalWaiting for the watched zone",
    async () => {
      expect(serve?.running).toBe(true);
      prometheus = new Prometheus(`127.0.0.1:${serve!.port}`, [
        path.join(REPO, "dashboards/prometheus-rules.yml"),
      ]);
      await prometheus.start();
      const alert = await until(
        "NtaWatchProposalWaiting pending or firing",
        async () =>
          (await prometheus!.alerts()).find(
            (a) =>
              a.labels.alertname === "NtaWatchProposalWaiting" &&
              a.labels.zone === ZONE &&
              (a.state === "pending" || a.state === "firing"),
          ),
        WAIT_MS,
      );
      expect(alert.labels.severity).toBe("critical");

      const proposed = await prometheus.query(
        `nta_watch_zone_state{zone="${ZONE}",state="proposed"}`,
      );
      expect(proposed.map((s) => s.value[1])).toEqual(["1"]);
      const up = await prometheus.query("nta_watch_vantage_up == 1");
      expect(up.map((s) => s.metric.vantage).sort()).toEqual(
        lab.resolvers.map((r) => r.name).sort(),
      );
      const servers = await prometheus.query(`nta_watch_authoritative_up{zone="${ZONE}"} == 1`);
      expect(servers.map((s) => s.metric.server).sort()).toEqual(facts.addresses);
      // None of the watcher's own health rules holds once the service has
      // been scraped (before the first scrape, NtaWatchDown is pending: the
      // build_info series is absent; it clears at the next evaluation).
      const health = [
        "NtaWatchDown",
        "NtaWatchVantageDown",
        "NtaWatchAuthoritativeDown",
        "NtaWatchAlertsFailing",
        "NtaWatchStoreErrors",
      ];
      await until(
        `none of ${health.join(", ")} pending or firing`,
        async () => {
          const names = (await prometheus!.alerts()).map((a) => a.labels.alertname!);
          return names.some((n) => health.includes(n)) ? undefined : true;
        },
        WAIT_MS,
      );
    },
    LAB_STEP_TIMEOUT_MS * 5,
  );
});
