/**
 * A probe round for one zone: every canary from every recursive vantage and
 * from every authoritative server, and the control zones' canaries from the
 * same recursive vantages at the same time, with at most `limit` probes in
 * flight (a shared semaphore). Observations come back in a fixed order:
 * vantage by vantage, canary by canary, whatever order the answers arrive in.
 *
 * Each vantage and each authoritative server gets its own key cache for the
 * round (key-cache.ts): its probes fetch and judge each zone's DS and DNSKEY
 * RRsets once, and no path's keys ever validate another's. The round's
 * signature checks are shared by all its paths (verified-rrsets.ts): the
 * same RRset with the same RRSIGs and keys, served by four vantages, is
 * verified once, each path still judging its own data with its own keys.
 * The next round starts with new, empty caches.
 */
import type { Observation, Round } from "./observation.js";
import type { ProbeCanary } from "./canaries.js";
import {
  probeAuthoritative,
  probeRecursive,
  type AuthoritativeTarget,
  type ProbeContext,
  type RecursiveTarget,
} from "./probe.js";
import type { Semaphore } from "./semaphore.js";
import { ZoneKeyCache } from "./key-cache.js";
import { RoundVerifications } from "./verified-rrsets.js";

export interface RoundPlan {
  /** The watched zone, lowercase with the trailing dot. */
  zone: string;
  canaries: ProbeCanary[];
  recursive: RecursiveTarget[];
  /** The zone's authoritative servers, one target per address. */
  authoritative: AuthoritativeTarget[];
  control: { zone: string; canaries: ProbeCanary[] }[];
}

export async function runRound(
  ctx: ProbeContext,
  plan: RoundPlan,
  semaphore: Semaphore,
): Promise<Round> {
  const at = ctx.now();
  const caches = new Map<RecursiveTarget | AuthoritativeTarget, ZoneKeyCache>(
    [...plan.recursive, ...plan.authoritative].map((t) => [t, new ZoneKeyCache()]),
  );
  const verifications = new RoundVerifications();
  const watched: Promise<Observation>[] = [];
  for (const target of plan.recursive) {
    for (const canary of plan.canaries) {
      const subject = { zone: plan.zone, role: "watched" as const, canary };
      watched.push(
        semaphore.run(() =>
          probeRecursive(ctx, target, subject, caches.get(target), verifications),
        ),
      );
    }
  }
  for (const target of plan.authoritative) {
    for (const canary of plan.canaries) {
      const subject = { zone: plan.zone, role: "watched" as const, canary };
      watched.push(
        semaphore.run(() =>
          probeAuthoritative(ctx, target, subject, caches.get(target), verifications),
        ),
      );
    }
  }
  const control: Promise<Observation>[] = [];
  for (const c of plan.control) {
    for (const target of plan.recursive) {
      for (const canary of c.canaries) {
        const subject = { zone: c.zone, role: "control" as const, canary };
        control.push(
          semaphore.run(() =>
            probeRecursive(ctx, target, subject, caches.get(target), verifications),
          ),
        );
      }
    }
  }
  const [observations, controlObservations] = await Promise.all([
    Promise.all(watched),
    Promise.all(control),
  ]);
  return { zone: plan.zone, at, observations, control: controlObservations };
}
