/**
 * The configuration of the resolvers nta-watch pushes NTAs to, and of
 * reconciliation: a fragment of the configuration schema, spread into the
 * top-level object as `...resolverConfigFields`.
 *
 * Each resolver names its adapter and how to reach its control channel.
 * Credentials are never written in the file: keys and certificates are
 * named by path (`...File`) or by environment variable (`...Env`), and read
 * when the adapter is made (see factory.ts).
 */
import { z } from "zod";
import { formatDuration, parseDuration } from "../config/duration.js";
import { parseManagementApi } from "./knot6.js";

/** A duration in milliseconds, with its bounds and default. */
function duration(bounds: { default: string; min: number; max: number }) {
  return z
    .union([z.string(), z.number()])
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `expected a duration such as "500ms", "10s", "5m"`,
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

const path = z.string().min(1);
const port = z.number().int().min(1).max(65535);
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "expected an environment variable name" });
const resolverName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
  message: "expected 1-63 letters, digits, '.', '_' or '-'",
});

// Per control command. A control channel answers in milliseconds; rndc and
// rec_control start a process and may wait on a busy server. At least
// 500 ms, at most a minute: past that the resolver is down for our purposes.
const commandTimeout = duration({ default: "10s", min: 500, max: 60_000 });

/** A PEM text from a file or from an environment variable, exactly one. */
const pemSource = (what: string) =>
  z
    .strictObject({ file: path.optional(), env: envName.optional() })
    .refine((s) => (s.file === undefined) !== (s.env === undefined), {
      message: `${what}: give exactly one of file or env`,
    });

const unboundSchema = z
  .strictObject({
    name: resolverName,
    adapter: z.literal("unbound"),
    // control-interface as a path (Unix socket) ...
    socket: path.optional(),
    // ... or as an address and port (control-port, default 8953).
    host: z.string().min(1).optional(),
    port: port.default(8953),
    // control-use-cert: yes. unbound-control-setup writes these files.
    tls: z
      .strictObject({
        serverCert: pemSource("tls.serverCert"),
        clientCert: pemSource("tls.clientCert"),
        clientKey: pemSource("tls.clientKey"),
        serverName: z.string().min(1).default("unbound"),
      })
      .optional(),
    timeout: commandTimeout,
  })
  .refine((u) => (u.socket === undefined) !== (u.host === undefined), {
    message: "give exactly one of socket or host",
  })
  .refine((u) => u.socket === undefined || u.tls === undefined, {
    message: "tls applies to host and port, not to a Unix socket",
  });

const bindSchema = z
  .strictObject({
    name: resolverName,
    adapter: z.literal("bind"),
    // The rndc program from bind9-utils.
    rndc: path.default("rndc"),
    // rndc.conf (-c), or the key file alone (-k) with host and port.
    configFile: path.optional(),
    keyFile: path.optional(),
    host: z.string().min(1).optional(),
    port: port.optional(),
    // True when nta-watch owns retraction: `-force`, so that BIND's own
    // nta-recheck does not drop the NTA before we retract it.
    force: z.boolean().default(true),
    view: z.string().min(1).optional(),
    timeout: commandTimeout,
  })
  .refine((b) => (b.configFile === undefined) !== (b.keyFile === undefined), {
    message: "give exactly one of configFile or keyFile",
  });

const knotSchema = z
  .strictObject({
    name: resolverName,
    adapter: z.literal("knot-resolver"),
    // Knot Resolver 5: the control socket of every kresd process.
    sockets: z.array(path).min(1).max(256).optional(),
    // Knot Resolver 6: its manager's HTTP API, as its Unix socket's path
    // (management.unix-socket, by default /run/knot-resolver/kres-api.sock)
    // or http://address:port (management.interface). The API has no
    // authentication, so a user or password in the URL is refused.
    managementApi: z
      .string()
      .min(1)
      .superRefine((text, ctx) => {
        const e = parseManagementApi(text);
        if (typeof e === "string") ctx.addIssue({ code: "custom", message: e });
      })
      .optional(),
    timeout: commandTimeout,
  })
  .refine((k) => (k.sockets === undefined) !== (k.managementApi === undefined), {
    message: "give exactly one of sockets (Knot Resolver 5) or managementApi (6)",
  });

const pdnsSchema = z.strictObject({
  name: resolverName,
  adapter: z.literal("pdns-recursor"),
  recControl: path.default("rec_control"),
  socketDir: path,
  configDir: path.optional(),
  timeout: commandTimeout,
});

export const resolverSchema = z.discriminatedUnion("adapter", [
  unboundSchema,
  bindSchema,
  knotSchema,
  pdnsSchema,
]);

export const resolversSchema = z
  .array(resolverSchema)
  .max(256)
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((r, i) => {
      const first = seen.get(r.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          message: `duplicate resolver name "${r.name}" (also resolvers[${first}])`,
          path: [i, "name"],
        });
      } else seen.set(r.name, i);
    });
  });

export const reconcileSchema = z
  .strictObject({
    // Only report what would be done; operators who apply NTAs by hand.
    dryRun: z.boolean().default(false),
    // Besides every change: how often desired and actual NTAs are compared.
    // A resolver restarted loses NTAs added over its control channel; a
    // minute bounds how long users see SERVFAIL again. At least 10 s (each
    // pass runs rndc and rec_control), at most an hour.
    interval: duration({ default: "60s", min: 10_000, max: 3_600_000 }),
    // Attempts per operation, the first included: one for a lost
    // connection, more for a resolver restarting. At most 10.
    attempts: z.number().int().min(1).max(10).default(4),
    // Backoff before the second attempt, doubled each time up to the cap.
    backoff: duration({ default: "1s", min: 10, max: 60_000 }),
    backoffCap: duration({ default: "30s", min: 10, max: 300_000 }),
    // All the work on one resolver in one pass; a resolver that is down
    // gives up here without holding up the others. At most 10 min.
    resolverBudget: duration({ default: "2m", min: 1_000, max: 600_000 }),
  })
  .refine((r) => r.backoffCap >= r.backoff, {
    message: "backoffCap must be at least backoff",
    path: ["backoffCap"],
  });

/** The fields to spread into the top-level configuration object. */
export const resolverConfigFields = {
  resolvers: resolversSchema.default([]),
  reconcile: reconcileSchema.prefault({}),
};

export type ResolverConfig = z.output<typeof resolverSchema>;
export type ReconcileSettings = z.output<typeof reconcileSchema>;
