/**
 * The NTA feed: the NTAs a watcher has in force, as JSON that another
 * watcher reads as a confirmation source (a peer operator's published NTA
 * list, DESIGN.md precondition 2). Times are seconds since the epoch.
 *
 *   { "format": "nta-watch.ntas/1", "publisher": "ops.example",
 *     "generatedAt": 1778000000,
 *     "ntas": [{ "zone": "de.", "approvedBy": "alice", "approvedAt": ...,
 *                "expiresAt": ..., "reason": "...", "incidentId": "..." }] }
 */

import { z } from "zod";

export const NTA_FEED_FORMAT = "nta-watch.ntas/1";

export const ntaFeedEntrySchema = z.looseObject({
  zone: z.string().min(1),
  approvedBy: z.string().min(1),
  approvedAt: z.number().int(),
  expiresAt: z.number().int(),
  reason: z.string(),
  incidentId: z.string().nullish(),
  deployedAt: z.number().int().nullish(),
});

export const ntaFeedSchema = z.looseObject({
  format: z.literal(NTA_FEED_FORMAT),
  publisher: z.string().min(1),
  generatedAt: z.number().int(),
  ntas: z.array(ntaFeedEntrySchema),
});

export type NtaFeed = z.infer<typeof ntaFeedSchema>;
export type NtaFeedEntry = z.infer<typeof ntaFeedEntrySchema>;

export interface NtaInForce {
  zone: string;
  approvedBy: string;
  approvedAt: number;
  expiresAt: number;
  reason: string;
  incidentId: string | null;
  deployedAt: number | null;
}

/** The feed of the NTAs in force at `now` (one already past its expiry is left out). */
export function buildNtaFeed(publisher: string, ntas: readonly NtaInForce[], now: number): NtaFeed {
  return {
    format: NTA_FEED_FORMAT,
    publisher,
    generatedAt: now,
    ntas: ntas
      .filter((n) => n.expiresAt > now)
      .map((n) => ({
        zone: n.zone,
        approvedBy: n.approvedBy,
        approvedAt: n.approvedAt,
        expiresAt: n.expiresAt,
        reason: n.reason,
        incidentId: n.incidentId,
        deployedAt: n.deployedAt,
      })),
  };
}
