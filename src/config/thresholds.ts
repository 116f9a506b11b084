/**
 * The thresholds of the decision core: when a failure counts as widespread,
 * how long evidence stays fresh, how long an NTA may live. Each has a
 * default, a minimum and a maximum, and says why. Out-of-range values are
 * rejected, never clamped.
 *
 * The schema is a fragment for the configuration loader: nest it as
 * `thresholds: thresholdsSchema.prefault({})` so that an absent section
 * still gets every default (zod 4's `.default({})` would skip them).
 */

import { z } from "zod";

const HOUR = 3600;
const DAY = 24 * HOUR;
/** BIND's nta-lifetime cannot exceed one week (604800 s); RFC 7646 asks for short, bounded NTAs. */
export const NTA_LIFETIME_CEILING_SECONDS = 7 * DAY;
/** An NTA shorter than a minute ends before it reaches every resolver; approvals below it are refused. */
export const NTA_LIFETIME_FLOOR_SECONDS = 60;

export const thresholdsSchema = z
  .object({
    // Share of reachable recursive vantages that must fail. Default 3 of 4:
    // "most vantages" with room for one resolver still holding good data in
    // its cache. Below one half a minority would decide, so 0.5 is the floor.
    minVantageShare: z.number().min(0.5).max(1).default(0.75),

    // Distinct resolver implementations that must fail. Two by default: one
    // implementation failing alone may be that implementation's bug, not the
    // zone's. At most 4: the implementations the watcher names (Unbound,
    // BIND, Knot Resolver, PowerDNS Recursor).
    minImplementations: z.number().int().min(1).max(4).default(2),

    // Share of canaries that must fail. A TLD's own signing break hits most
    // names (.de 2026, .al 2026); a break at some delegations hits few (.se
    // 2022) and must not pass. Half by default; below a quarter one bad
    // child among four canaries would count as the whole zone.
    minCanaryShare: z.number().min(0.25).max(1).default(0.5),

    // Consecutive rounds the failure must hold (K). One round is a blip (a
    // cache, a rollover caught mid-way); three rounds at a few minutes each
    // is minutes, not hours. At most 20 so a proposal is never held for long.
    consecutiveRounds: z.number().int().min(2).max(20).default(3),

    // Consecutive rounds the zone must validate from every vantage and every
    // authoritative server before an active NTA is retracted (N; RFC 7646 §4:
    // remove the NTA once the zone validates). Three guards against a fix that
    // reaches only some servers; one is the least that can show a fix at all.
    recoveryRounds: z.number().int().min(1).max(20).default(3),

    // How old a confirmation may be. A day covers an operator's status post
    // for the length of a typical incident; never longer than an NTA can live.
    confirmationMaxAgeSeconds: z
      .number()
      .int()
      .min(5 * 60)
      .max(NTA_LIFETIME_CEILING_SECONDS)
      .default(DAY),

    // Lifetime offered with a proposal. BIND's nta-lifetime defaults to one
    // hour, which is shorter than the incidents seen (.de 2026: hours; .nz
    // 2023: 13 h) and would need a person again and again. The watcher
    // retracts the NTA itself as soon as the zone validates, so a longer
    // lifetime does not keep it longer than needed; it only bounds the case
    // where the watcher itself stops. One day keeps that bound short.
    ntaLifetimeDefaultSeconds: z
      .number()
      .int()
      .min(HOUR)
      .max(NTA_LIFETIME_CEILING_SECONDS)
      .default(DAY),

    // The longest lifetime a person may approve: one week, BIND's ceiling
    // for nta-lifetime and the bound RFC 7646 asks for. May be lowered, not
    // raised.
    ntaLifetimeMaxSeconds: z
      .number()
      .int()
      .min(HOUR)
      .max(NTA_LIFETIME_CEILING_SECONDS)
      .default(NTA_LIFETIME_CEILING_SECONDS),

    // Warn when every signature seen for a canary expires within this time
    // and no fresher one is served. Signers refresh days ahead (validity of
    // one to four weeks is usual for TLDs), so a day left means the refresh
    // has stopped, with a working day left to act.
    expiryWarningSeconds: z.number().int().min(HOUR).max(NTA_LIFETIME_CEILING_SECONDS).default(DAY),

    // Signatures that expired longer ago than this mark a stale zone nobody
    // is fixing (rhybar.cz: expired in 2008): the proposal offers the longest
    // lifetime and says so. A week outlasts any incident response.
    staleExpiredSeconds: z
      .number()
      .int()
      .min(DAY)
      .max(365 * DAY)
      .default(7 * DAY),

    // Extended DNS Error codes meaning "answered under an NTA"
    // (draft-farrokhi-dnsop-ede-nta). A vantage answering with one confirms
    // that its operator judged the break to be a mistake. 33 is the code the
    // project uses; a list so the IANA assignment can be followed.
    confirmingEdeCodes: z.array(z.number().int().min(0).max(65535)).default([33]),
  })
  .refine((t) => t.ntaLifetimeDefaultSeconds <= t.ntaLifetimeMaxSeconds, {
    message: "ntaLifetimeDefaultSeconds must not exceed ntaLifetimeMaxSeconds",
    path: ["ntaLifetimeDefaultSeconds"],
  });

export type Thresholds = z.infer<typeof thresholdsSchema>;

/** Every default, for tests and for a configuration without a thresholds section. */
export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze(thresholdsSchema.parse({}));
