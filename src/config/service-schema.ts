/**
 * The configuration of the running service: where its state lives, how
 * long observations are kept, the HTTP API and its tokens, and the
 * confirmation sources. Fragments nested into the main schema (schema.ts)
 * as `store`, `api` and `confirmations`; each section may be left out.
 */

import { isIP } from "node:net";
import { z } from "zod";
import { DEFAULT_KEYWORDS } from "../confirm/match.js";
import { formatDuration, parseDuration } from "./duration.js";

const DAY_MS = 86_400_000;

/** A duration with its bounds, in milliseconds (the same notation as the probe section). */
function duration(bounds: { default: string; min: number; max: number }) {
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: "custom", message: `expected a duration such as "60s", "5m", "2d"` });
        return z.NEVER;
      }
      if (ms < bounds.min || ms > bounds.max) {
        ctx.addIssue({
          code: "custom",
          message: `must be between ${formatDuration(bounds.min)} and ${formatDuration(bounds.max)}`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .prefault(bounds.default);
}

const zoneName = z
  .string()
  .min(1)
  .transform((s) => (s.endsWith(".") ? s : `${s}.`).toLowerCase());

const httpUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  },
  { message: "expected an http or https URL" },
);

const sourceName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
  message: "expected 1-63 letters, digits, '.', '_' or '-'",
});

/** Where a secret comes from: a file (relative to the configuration file) or an environment variable. */
const secretRef = {
  file: z.string().min(1).optional(),
  env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "expected an environment variable name" })
    .optional(),
};

export const storeSchema = z.strictObject({
  // The SQLite file, relative to the configuration file.
  path: z.string().min(1).default("nta-watch.db"),
  // How long probe rounds are kept. Two days cover an incident and the
  // morning after; at least an hour (the assessment reads the last rounds:
  // checked against the probe interval in the main schema), at most 90 days
  // (a round of a large TLD is tens of kilobytes; months of them per zone
  // outgrow a sidecar's disk).
  observationRetention: duration({ default: "2d", min: 3_600_000, max: 90 * DAY_MS }),
});

export const tokenSchema = z
  .strictObject({
    // The actor recorded in the audit log for every act done with the token.
    name: sourceName,
    // viewer: read only; approver: also confirm, approve, reject, retract, extend.
    role: z.enum(["viewer", "approver"]),
    ...secretRef,
    // With file: when the file does not exist at start, write a random token
    // there (mode 0600) for a first run with nothing to set up.
    generate: z.boolean().default(false),
  })
  .refine((t) => (t.file === undefined) !== (t.env === undefined), {
    message: "give exactly one of file or env",
  })
  .refine((t) => !t.generate || t.file !== undefined, {
    message: "generate needs a file to write the token to",
    path: ["generate"],
  });

export const apiSchema = z.strictObject({
  // Loopback by default: the API approves NTAs; put a TLS proxy in front to reach it from elsewhere.
  listen: z
    .string()
    .refine((s) => isIP(s) !== 0, { message: "expected an IP address" })
    .default("127.0.0.1"),
  port: z.number().int().min(0).max(65535).default(9753),
  tokens: z.array(tokenSchema).max(100).default([]),
  // The name this watcher publishes its NTA feed under.
  publisher: z.string().min(1).max(200).default("nta-watch"),
  // Serve the NTA feed and its resolver renderings without a token, for peers.
  publicNtaFeed: z.boolean().default(false),
});

const matchFields = {
  name: sourceName,
  url: httpUrl,
  // Zones this source is the operator's own status for: an item need not name them.
  zones: z.array(zoneName).max(1000).default([]),
  // Words of which one must appear in an item; the defaults speak of DNSSEC.
  keywords: z
    .array(z.string().min(1))
    .max(100)
    .default([...DEFAULT_KEYWORDS]),
};

export const confirmationSourceSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("statuspage"), ...matchFields }),
  z.strictObject({ kind: z.literal("feed"), ...matchFields }),
  z
    .strictObject({
      kind: z.literal("peer"),
      name: sourceName,
      url: httpUrl,
      token: z.strictObject(secretRef).optional(),
    })
    .refine(
      (p) => p.token === undefined || (p.token.file === undefined) !== (p.token.env === undefined),
      {
        message: "give exactly one of token.file or token.env",
        path: ["token"],
      },
    ),
]);

export const confirmationsSchema = z.strictObject({
  sources: z.array(confirmationSourceSchema).max(64).default([]),
  // How often each source is read. A minute matches the probe interval; at
  // least 10 s (status pages rate-limit), at most an hour.
  interval: duration({ default: "60s", min: 10_000, max: 3_600_000 }),
  // Per fetch. Status pages answer in well under a second; 10 s tolerates a
  // slow one without holding the poll; at most a minute.
  timeout: duration({ default: "10s", min: 1000, max: 60_000 }),
});

export type StoreSettings = z.output<typeof storeSchema>;
export type ApiSettings = z.output<typeof apiSchema>;
export type TokenSettings = z.output<typeof tokenSchema>;
export type ConfirmationsSettings = z.output<typeof confirmationsSchema>;
export type ConfirmationSourceSettings = z.output<typeof confirmationSourceSchema>;

/** Checks across sections: the kept rounds must cover what the assessment reads. */
export function checkServiceSettings(
  c: {
    store: StoreSettings;
    probe: { interval: number };
    thresholds: { consecutiveRounds: number; recoveryRounds: number };
  },
  ctx: z.RefinementCtx,
): void {
  const rounds = Math.max(c.thresholds.consecutiveRounds, c.thresholds.recoveryRounds) + 1;
  const needed = rounds * c.probe.interval;
  if (c.store.observationRetention < needed) {
    ctx.addIssue({
      code: "custom",
      message:
        `must keep at least ${rounds} rounds at the probe interval ` +
        `(${formatDuration(needed)}): the assessment reads them`,
      path: ["store", "observationRetention"],
    });
  }
}
