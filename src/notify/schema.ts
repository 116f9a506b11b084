/**
 * The `notify` section of the configuration: where alerts go (one Slack
 * incoming webhook, any number of generic webhooks), how often a receiver
 * is retried, how long a repeated alert is held back, and how often a
 * waiting proposal is recalled. Every limit has a default, a minimum and a
 * maximum, and says why; out-of-range values are rejected.
 */

import { z } from "zod";
import { formatDuration, parseDuration } from "../config/duration.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration in the configuration's notation, bounded, as whole seconds. */
function seconds(bounds: { default: string; min: number; max: number }) {
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({ code: "custom", message: `expected a duration such as "30s", "5m", "1h"` });
        return z.NEVER;
      }
      if (ms < bounds.min || ms > bounds.max) {
        ctx.addIssue({
          code: "custom",
          message: `must be between ${formatDuration(bounds.min)} and ${formatDuration(bounds.max)}`,
        });
        return z.NEVER;
      }
      return Math.round(ms / SECOND);
    })
    .prefault(bounds.default);
}

const receiverName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
  message: "expected 1-63 letters, digits, '.', '_' or '-'",
});

const secretRef = z
  .strictObject({
    file: z.string().min(1).optional(),
    env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "expected an environment variable name" })
      .optional(),
  })
  .refine((s) => (s.file === undefined) !== (s.env === undefined), {
    message: "give exactly one of file or env",
  });

const severity = z.enum(["info", "warning", "critical"]);

/** Which alerts a receiver takes: at least this severity, and only these kinds if listed. */
const filterFields = {
  minSeverity: severity.default("info"),
  kinds: z.array(z.string().min(1)).max(50).optional(),
};

export const slackSchema = z.strictObject({
  // The incoming webhook URL is itself the credential: from a file or the environment.
  url: secretRef,
  ...filterFields,
});

export const webhookSchema = z.strictObject({
  name: receiverName,
  url: z.string().refine(
    (s) => {
      try {
        const u = new URL(s);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    },
    { message: "expected an http or https URL" },
  ),
  // The HMAC-SHA256 key shared with this receiver (X-NTA-Watch-Signature).
  secret: secretRef,
  ...filterFields,
});

export const notifySchema = z
  .strictObject({
    slack: slackSchema.optional(),
    webhooks: z.array(webhookSchema).max(32).default([]),
    // Link to a zone in the console, "{zone}" replaced by the zone's name.
    zoneLink: z
      .string()
      .refine((s) => s.includes("{zone}"), { message: 'expected a URL with "{zone}" in it' })
      .optional(),
    // The same kind of alert for the same zone and state is not sent again
    // within this window. 30 minutes quiets a flapping zone (rounds run
    // minutes apart) without hiding a new incident for long; at least a
    // minute (one round), at most a day.
    dedupWindow: seconds({ default: "30m", min: MINUTE, max: DAY }),
    // While a proposal waits for a person, it is recalled this often: a
    // proposal waiting is an outage going on. 30 minutes by default; at
    // least 5 minutes (not every round), at most 12 hours.
    reminderInterval: seconds({ default: "30m", min: 5 * MINUTE, max: 12 * HOUR }),
    // Retries: the first after `retryInitial`, doubling up to `retryMax`,
    // at most `maxAttempts` attempts. The defaults (10 s doubling to 15 min,
    // 12 attempts) keep trying for about two hours, long enough to outlast
    // a receiver's restart or deployment.
    retryInitial: seconds({ default: "10s", min: SECOND, max: 5 * MINUTE }),
    retryMax: seconds({ default: "15m", min: MINUTE, max: 6 * HOUR }),
    maxAttempts: z.number().int().min(1).max(50).default(12),
    // Per request. Slack and webhook receivers answer in well under a
    // second; 10 s tolerates a slow one; at most a minute.
    timeout: seconds({ default: "10s", min: SECOND, max: MINUTE }),
    // How often the sender looks at the outbox. 5 s: an alert leaves
    // seconds after the transition; at least 1 s, at most a minute.
    pollInterval: seconds({ default: "5s", min: SECOND, max: MINUTE }),
  })
  .refine((n) => n.retryInitial <= n.retryMax, {
    message: "retryInitial must not exceed retryMax",
    path: ["retryInitial"],
  });

export type NotifySettings = z.output<typeof notifySchema>;
export type Severity = z.output<typeof severity>;

export const DEFAULT_NOTIFY: NotifySettings = Object.freeze(notifySchema.parse({}));
