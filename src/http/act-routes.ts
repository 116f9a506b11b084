/**
 * The routes that act, each by a person holding an approver token (RFC 7646
 * §2.1: an NTA is a person's decision): confirm a break, approve or reject a
 * proposal, retract or extend an NTA. The token's name is the actor of the
 * audit entry; the state machine decides whether the act applies now, and a
 * refusal comes back with its reason and changes nothing.
 */

import { manualConfirmation } from "../confirm/manual.js";
import type { TransitionErrorCode, ZoneEvent } from "../lifecycle/types.js";
import { applyEvent, recordManualConfirmation } from "../service/apply.js";
import { bodies, knownZone, zoneOf, zoneParam, zoneView } from "./common.js";
import { ApiError, type HandlerInput, type RouteSpec } from "./types.js";

const STATUS_OF: Record<TransitionErrorCode, [number, "conflict" | "invalid-request"]> = {
  "not-allowed-in-phase": [409, "conflict"],
  "not-a-person": [400, "invalid-request"],
  "reason-missing": [400, "invalid-request"],
  "lifetime-out-of-range": [400, "invalid-request"],
  "zone-mismatch": [400, "invalid-request"],
};

function actor(input: HandlerInput): string {
  // Access "approver" guarantees a principal; a route without one is a wiring bug.
  if (!input.principal) throw new Error("an act reached its handler without a principal");
  return input.principal.name;
}

/** Applies a person's event to a zone and answers with the zone's new state. */
function act(input: HandlerInput, make: (zone: string) => ZoneEvent) {
  const { deps } = input;
  const zone = knownZone(deps, zoneOf(input.params.zone!)).zone;
  const event = make(zone);
  const r = applyEvent(deps.store, zone, event, deps.now(), deps.thresholds);
  if (!r.ok) {
    const [status, code] = STATUS_OF[r.error.code];
    throw new ApiError(status, code, r.error.message);
  }
  deps.onActed?.(zone, actor(input), r.effects);
  return zoneView(deps.store.zone(zone)!);
}

const reasonOf = (input: HandlerInput) => String(input.body.reason);

export const actRoutes: RouteSpec[] = [
  {
    method: "POST",
    url: "/api/v1/zones/:zone/confirm",
    tag: "acts",
    summary: "Record a public confirmation of the break (a URL or a quoted text)",
    access: "approver",
    params: zoneParam,
    body: bodies.confirm!,
    status: 201,
    handler: (input) => {
      const { deps } = input;
      const zone = knownZone(deps, zoneOf(input.params.zone!)).zone;
      const now = deps.now();
      const expires = input.body.expiresInSeconds;
      const made = manualConfirmation({
        zone,
        reference: String(input.body.reference),
        author: actor(input),
        now,
        ...(typeof expires === "number" ? { expiresInSeconds: expires } : {}),
      });
      if (!made.ok) throw new ApiError(400, "invalid-request", made.error);
      const { added, phase } = recordManualConfirmation(
        deps.store,
        made.confirmation,
        actor(input),
        now,
      );
      deps.onActed?.(zone, actor(input), []);
      return { zone, phase, recorded: added, confirmation: made.confirmation };
    },
  },
  {
    method: "POST",
    url: "/api/v1/zones/:zone/approve",
    tag: "acts",
    summary: "Approve the zone's proposal: the NTA is in force for the lifetime given",
    access: "approver",
    params: zoneParam,
    body: bodies.approve!,
    handler: (input) =>
      act(input, (zone) => {
        const state = input.deps.store.zone(zone)?.state;
        const proposal = state?.proposal;
        const seen = input.body.proposalAt;
        if (typeof seen === "number" && state?.phase === "proposed" && proposal?.at !== seen) {
          throw new ApiError(
            409,
            "conflict",
            `the proposal for ${zone} changed since it was read (now dated ${proposal?.at}); read it again`,
          );
        }
        const lifetime = input.body.lifetimeSeconds;
        return {
          type: "approve",
          actor: actor(input),
          reason: reasonOf(input),
          lifetimeSeconds:
            typeof lifetime === "number"
              ? lifetime
              : (proposal?.lifetimeSeconds ?? input.deps.thresholds.ntaLifetimeDefaultSeconds),
        };
      }),
  },
  {
    method: "POST",
    url: "/api/v1/zones/:zone/reject",
    tag: "acts",
    summary: "Reject the zone's proposal",
    access: "approver",
    params: zoneParam,
    body: bodies.reasonOnly!,
    handler: (input) =>
      act(input, () => ({ type: "reject", actor: actor(input), reason: reasonOf(input) })),
  },
  {
    method: "POST",
    url: "/api/v1/zones/:zone/retract",
    tag: "acts",
    summary: "Retract the zone's NTA now",
    access: "approver",
    params: zoneParam,
    body: bodies.reasonOnly!,
    handler: (input) =>
      act(input, () => ({ type: "retract", actor: actor(input), reason: reasonOf(input) })),
  },
  {
    method: "POST",
    url: "/api/v1/zones/:zone/extend",
    tag: "acts",
    summary: "Extend the zone's NTA: a new approval, the lifetime counted from now",
    access: "approver",
    params: zoneParam,
    body: bodies.extend!,
    handler: (input) =>
      act(input, () => ({
        type: "extend",
        actor: actor(input),
        reason: reasonOf(input),
        lifetimeSeconds: Number(input.body.lifetimeSeconds),
      })),
  },
];
