/**
 * A probe round for one zone: every canary from every recursive vantage and
 * from every authoritative server, and the control zones' canaries from the
 * same recursive vantages at the same time, with at most `limit` probes in
 * flight (a shared semaphore). Observations come back in a fixed order:
 * vantage by vantage, canary by canary, whatever order the answers arrive in.
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
  const watched: Promise<Observation>[] = [];
  for (const target of plan.recursive) {
    for (const canary of plan.canaries) {
      watched.push(
        semaphore.run(() =>
          probeRecursive(ctx, target, { zone: plan.zone, role: "watched", canary }),
        ),
      );
    }
  }
  for (const target of plan.authoritative) {
    for (const canary of plan.canaries) {
      watched.push(
        semaphore.run(() =>
          probeAuthoritative(ctx, target, { zone: plan.zone, role: "watched", canary }),
        ),
      );
    }
  }
  const control: Promise<Observation>[] = [];
  for (const c of plan.control) {
    for (const target of plan.recursive) {
      for (const canary of c.canaries) {
        control.push(
          semaphore.run(() =>
            probeRecursive(ctx, target, { zone: c.zone, role: "control", canary }),
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
