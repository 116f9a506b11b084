/**
 * The configuration file's shape, checked with zod at start. Every limit has
 * a default, a minimum and a maximum, with the reason beside it; a value out
 * of range is rejected, never clamped. Unknown keys are rejected too, so a
 * misspelt key is an error rather than a silent default.
 *
 * Names are normalized to lowercase presentation form with the trailing dot;
 * durations ("60s", "500ms", "5m") become milliseconds.
 */
import { isIP } from "node:net";
import { z } from "zod";
import { parseName, nameToText, isSubdomain, lowerName, NameSyntaxError } from "../dns/name.js";
import { typeFromText } from "../dns/rr.js";
import { earlyWarningSchema } from "../assess/early-warning.js";
import { notifySchema } from "../notify/schema.js";
import { resolverConfigFields } from "../resolvers/schema.js";
import { thresholdsSchema } from "./thresholds.js";
import { formatDuration, parseDuration } from "./duration.js";
import {
  apiSchema,
  checkServiceSettings,
  confirmationsSchema,
  storeSchema,
} from "./service-schema.js";

/** The IPv4 addresses of the thirteen root server letters (IANA root hints, 2024). */
export const IANA_ROOT_SERVERS: readonly string[] = Object.freeze([
  "198.41.0.4", // a
  "170.247.170.2", // b
  "192.33.4.12", // c
  "199.7.91.13", // d
  "192.203.230.10", // e
  "192.5.5.241", // f
  "192.112.36.4", // g
  "198.97.190.53", // h
  "192.36.148.17", // i
  "192.58.128.30", // j
  "193.0.14.129", // k
  "199.7.83.42", // l
  "202.12.27.33", // m
]);

const ipAddress = z.string().refine((s) => isIP(s) !== 0, { message: "expected an IP address" });

const port = z.number().int().min(1).max(65535);

/** A domain name in presentation format, returned lowercase with the trailing dot. */
const domainName = z.string().transform((text, ctx) => {
  try {
    return nameToText(lowerName(parseName(text.endsWith(".") ? text : `${text}.`)));
  } catch (e) {
    if (!(e instanceof NameSyntaxError)) throw e;
    ctx.addIssue({ code: "custom", message: `expected a domain name: ${e.message}` });
    return z.NEVER;
  }
});

/** A duration with its bounds, in milliseconds. */
function duration(bounds: { default: string; min: number; max: number }) {
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `expected a duration such as "500ms", "60s", "5m" or a number of seconds`,
        });
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

const server = z.union([
  ipAddress.transform((address) => ({ address, port: 53 })),
  z.strictObject({ address: ipAddress, port: port.default(53) }),
]);

export const softwareSchema = z.enum([
  "unbound",
  "bind",
  "knot-resolver",
  "pdns-recursor",
  "other",
]);

const vantageSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
    message: "expected 1-63 letters, digits, '.', '_' or '-'",
  }),
  address: ipAddress,
  port: port.default(53),
  // UDP with TCP on truncation (RFC 7766 §5), or TCP from the start.
  transport: z.enum(["udp", "tcp"]).default("udp"),
  software: softwareSchema,
  operator: z.string().min(1).optional(),
  // True for the resolvers this watcher pushes NTAs to.
  managed: z.boolean().default(false),
});

/** A canary: "name", "name TYPE", or {name, type}; the type defaults to A. */
const canarySchema = z
  .union([z.string(), z.strictObject({ name: z.string(), type: z.string().default("A") })])
  .transform((value, ctx) => {
    const [name, type = "A", ...rest] =
      typeof value === "string" ? value.trim().split(/\s+/) : [value.name, value.type];
    if (rest.length > 0 || name === undefined) {
      ctx.addIssue({ code: "custom", message: `expected "NAME" or "NAME TYPE"` });
      return z.NEVER;
    }
    if (typeFromText(type.toUpperCase()) === undefined) {
      ctx.addIssue({ code: "custom", message: `unknown RR type "${type}"` });
      return z.NEVER;
    }
    const parsed = domainName.safeParse(name);
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: parsed.error.issues[0]!.message });
      return z.NEVER;
    }
    return { name: parsed.data, type: type.toUpperCase() };
  });

const zoneSchema = z
  .strictObject({
    name: domainName,
    // Configured canaries replace the derived name canaries (see canaries.ts).
    canaries: z.array(canarySchema).max(50).optional(),
    // Hints for the derived canaries: a delegation with a DS and one without.
    signedChild: domainName.optional(),
    unsignedChild: domainName.optional(),
  })
  .superRefine((zone, ctx) => {
    const apex = parseName(zone.name);
    const below = (name: string | undefined, key: string): void => {
      if (name === undefined) return;
      const n = parseName(name);
      if (!isSubdomain(n, apex) || n.length === apex.length) {
        ctx.addIssue({ code: "custom", message: `must be a name below ${zone.name}`, path: [key] });
      }
    };
    below(zone.signedChild, "signedChild");
    below(zone.unsignedChild, "unsignedChild");
    zone.canaries?.forEach((c, i) => {
      if (!isSubdomain(parseName(c.name), apex)) {
        ctx.addIssue({
          code: "custom",
          message: `must be at or below ${zone.name}`,
          path: ["canaries", i],
        });
      }
    });
  });

const probeSchema = z
  .strictObject({
    // How often each zone is probed. A minute finds a break within the
    // time it takes to read an alert; under 10 s the rounds of a large
    // watch list overlap and resolvers start rate-limiting the watcher; an
    // hour is the longest a break may stay unseen. Must divide a minute or
    // an hour evenly (it becomes a cron schedule).
    interval: duration({ default: "60s", min: 10_000, max: 3_600_000 }),
    // Random delay before each round, so many watchers do not ask at the
    // same second. At most half the interval (checked below) and 5 min.
    jitter: duration({ default: "5s", min: 0, max: 300_000 }),
    // Per query attempt. Resolvers answer from cache in milliseconds and
    // give up on upstreams after a few seconds; 2 s is what stubs use. At
    // least 100 ms (a loaded resolver on a LAN), at most 30 s.
    timeout: duration({ default: "2s", min: 100, max: 30_000 }),
    // Further attempts after a timeout. One covers a lost datagram; more
    // than 5 only delays the round without telling more.
    retries: z.number().int().min(0).max(5).default(1),
    // Probes in flight at once (each a few queries). 64 keeps 1,500 zones
    // within a minute at a few ms per answer; at most 1024 so one watcher
    // cannot flood a resolver.
    concurrency: z.number().int().min(1).max(1024).default(64),
    // Wall time for one validated lookup (the chain included), as the
    // evidence gatherer bounds it: 10 s by default, 100 ms to 2 min.
    lookupBudget: duration({ default: "10s", min: 100, max: 120_000 }),
    // How often the authoritative servers of each zone are found again
    // from the root. TLD NS TTLs are one to two days; an hour catches a
    // renumbering well before caches do. At least a minute, at most a day.
    rediscoverEvery: duration({ default: "1h", min: 60_000, max: 86_400_000 }),
    // Probe the IPv6 addresses of authoritative servers too. Off by default:
    // a watcher without IPv6 would see every IPv6 server as unreachable.
    ipv6: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.jitter * 2 > p.interval) {
      ctx.addIssue({
        code: "custom",
        message: "must be at most half the interval",
        path: ["jitter"],
      });
    }
    if (cronFor(p.interval) === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "must divide a minute or an hour evenly (10s, 15s, 20s, 30s, 1m, 2m, 5m, ...)",
        path: ["interval"],
      });
    }
  });

/** A node-cron expression firing every `intervalMs`, or undefined when none can. */
export function cronFor(intervalMs: number): string | undefined {
  if (intervalMs % 1000 !== 0) return undefined;
  const s = intervalMs / 1000;
  if (s < 60) return 60 % s === 0 ? `*/${s} * * * * *` : undefined;
  if (s % 60 !== 0) return undefined;
  const m = s / 60;
  if (m < 60) return 60 % m === 0 ? `0 */${m} * * * *` : undefined;
  return m === 60 ? "0 0 * * * *" : undefined;
}

export const configSchema = z
  .strictObject({
    // DS or DNSKEY records, root-anchors.xml or a BIND clause; paths are
    // relative to the configuration file. None: the built-in root KSKs.
    trustAnchors: z
      .array(z.strictObject({ file: z.string().min(1) }))
      .max(16)
      .default([]),
    // Where every walk from the root starts. The IANA root servers unless a
    // lab or an internal root is used.
    rootServers: z
      .array(server)
      .min(1)
      .max(64)
      .prefault([...IANA_ROOT_SERVERS]),
    vantages: z.array(vantageSchema).min(1).max(64),
    zones: z.array(zoneSchema).max(10_000).default([]),
    // Zones probed beside each watched zone to tell its break from the
    // vantage's or the watcher's own failure (DESIGN, precondition 1).
    controlZones: z.array(domainName).max(16).default([]),
    probe: probeSchema.prefault({}),
    thresholds: thresholdsSchema.prefault({}),
    // The running service (serve): see service-schema.ts.
    store: storeSchema.prefault({}),
    api: apiSchema.prefault({}),
    confirmations: confirmationsSchema.prefault({}),
    // The resolvers NTAs are pushed to, and reconciliation: see
    // src/resolvers/schema.ts.
    ...resolverConfigFields,
    // Where alerts go and how they are retried: see src/notify/schema.ts.
    notify: notifySchema.prefault({}),
    // Warnings before a break (signatures about to expire, rollovers): see
    // src/assess/early-warning.ts.
    earlyWarning: earlyWarningSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    checkServiceSettings(c, ctx);
    const firstIndex = new Map<string, number>();
    c.vantages.forEach((v, i) => {
      if (firstIndex.has(v.name)) {
        ctx.addIssue({
          code: "custom",
          message: `duplicate vantage name "${v.name}" (also vantages[${firstIndex.get(v.name)}])`,
          path: ["vantages", i, "name"],
        });
      } else firstIndex.set(v.name, i);
    });
    const zones = new Set<string>();
    c.zones.forEach((z, i) => {
      if (zones.has(z.name)) {
        ctx.addIssue({
          code: "custom",
          message: `zone ${z.name} listed twice`,
          path: ["zones", i, "name"],
        });
      }
      zones.add(z.name);
    });
  });

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type VantageConfig = Config["vantages"][number];
export type ZoneConfig = Config["zones"][number];
export type ProbeSettings = Config["probe"];
