/**
 * Knot Resolver 6, through the HTTP management API of its manager (the API
 * kresctl uses): a Unix socket (`management.unix-socket`, by default
 * /run/knot-resolver/kres-api.sock) or an address and port
 * (`management.interface`). The API has neither authentication nor TLS.
 *
 * The running configuration is read and changed by RFC 6901 JSON pointer
 * under /v1/config: GET returns the subtree (an empty body when it is not
 * set) with an ETag for the whole configuration, PUT sets it, and a 4xx
 * status carries the manager's text when the new configuration does not
 * validate. The NTAs are the list `dnssec/negative-trust-anchors` (RFC 7646).
 * PUT replaces the list, so a change reads `dnssec`, merges our name into
 * what is there (names someone else put there stay as they were written) and
 * writes the list back with If-Match set to the ETag read; a 412 means the
 * configuration changed in between, and the change starts over.
 *
 * The manager keeps the configuration as it was written: `dnssec` may be
 * absent, `true`, `false` (validation off: no NTA is written) or an object.
 * A pointer cannot reach below an absent `dnssec`, so then the whole section
 * is written. After each change the cache at and below the zone is cleared
 * (POST /cache/clear with the name; `exact-name` false clears the subtree).
 *
 * NTAs set this way last until the configuration file is reloaded or the
 * manager restarts; reconciliation puts them back.
 */
import http from "node:http";
import { redactText } from "./redact.js";
import {
  controlZone,
  done,
  fail,
  normalizeListed,
  ok,
  socketFailure,
  type AddOptions,
  type NtaEntry,
  type ResolverAdapter,
  type Result,
} from "./types.js";

/** Where the management API listens. */
export type ManagementEndpoint = { socketPath: string } | { host: string; port: number };

/**
 * The endpoint a `managementApi` setting names: an absolute path (the Unix
 * socket) or `http://address:port`; otherwise why not.
 */
export function parseManagementApi(text: string): ManagementEndpoint | string {
  if (text.startsWith("/")) return { socketPath: text };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "expected the API's Unix socket path or http://address:port";
  }
  if (url.protocol !== "http:") return "the management API speaks plain HTTP: use http://";
  // The API has no authentication; a user or password here would be a
  // credential written in the configuration file.
  if (url.username !== "" || url.password !== "")
    return "the management API takes no user or password";
  if (url.port === "") return "give the API's port (management.interface address@port)";
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "")
    return "give only http://address:port, without a path";
  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port) };
}

/** The endpoint as written in messages. */
export function endpointLabel(e: ManagementEndpoint): string {
  if ("socketPath" in e) return e.socketPath;
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

const MAX_REPLY = 1 << 20;

export interface ApiReply {
  status: number;
  body: string;
  etag: string | undefined;
}

/** One HTTP request to the API; any status is a reply, the rest an adapter error. */
export function apiRequest(
  endpoint: ManagementEndpoint,
  method: "GET" | "PUT" | "POST",
  path: string,
  options: { body?: unknown; ifMatch?: string | undefined; timeoutMs: number },
): Promise<Result<ApiReply>> {
  const where = `${endpointLabel(endpoint)} ${method} ${path}`;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { accept: "application/json" };
  if (payload !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(payload));
  }
  if (options.ifMatch !== undefined) headers["if-match"] = options.ifMatch;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: Result<ApiReply>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = http.request({
      ...("socketPath" in endpoint
        ? { socketPath: endpoint.socketPath }
        : { host: endpoint.host, port: endpoint.port }),
      method,
      path,
      headers,
      agent: false,
    });
    const timer = setTimeout(
      () => finish(fail("timeout", `${where}: no complete reply within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    req.on("error", (err: NodeJS.ErrnoException) => finish(socketFailure(where, err)));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_REPLY) finish(fail("bad-reply", `${where}: reply over ${MAX_REPLY} octets`));
        else chunks.push(chunk);
      });
      res.on("error", (err: NodeJS.ErrnoException) => finish(socketFailure(where, err)));
      res.on("end", () => {
        const etag = res.headers.etag;
        finish(
          ok({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            etag: typeof etag === "string" ? etag : undefined,
          }),
        );
      });
    });
    req.end(payload);
  });
}

/** The manager's words for a refusal, on one line, credentials scrubbed. */
function refusal(where: string, reply: ApiReply): ReturnType<typeof fail> {
  const text = redactText(reply.body)
    .trim()
    .replace(/\s*\n\s*/g, "; ")
    .slice(0, 500);
  return fail("rejected", `${where}: HTTP ${reply.status}${text === "" ? "" : `: ${text}`}`);
}

/** The JSON of a 2xx reply; an empty body is null (an unset subtree). */
function replyJson(where: string, reply: ApiReply): Result<unknown> {
  if (reply.status < 200 || reply.status > 299) return refusal(where, reply);
  if (reply.body.trim() === "") return ok(null);
  try {
    return ok(JSON.parse(reply.body) as unknown);
  } catch {
    return fail("bad-reply", `${where}: not JSON: ${reply.body.slice(0, 200)}`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export const DNSSEC_POINTER = "/v1/config/dnssec";
export const NTA_KEY = "negative-trust-anchors";
export const CACHE_CLEAR_PATH = "/cache/clear";

/** The `dnssec` section as read, with its NTA names and the ETag to write against. */
export interface DnssecSection {
  /** null (absent), true, false or the section's object. */
  value: null | boolean | Record<string, unknown>;
  names: string[];
  etag: string | undefined;
}

/** Reads a GET of DNSSEC_POINTER: the section and the names in its NTA list. */
export function parseDnssecSection(json: unknown, etag?: string): Result<DnssecSection> {
  if (json === null || typeof json === "boolean") return ok({ value: json, names: [], etag });
  if (!isObject(json)) return fail("bad-reply", `dnssec is neither a section nor a boolean`);
  const list = json[NTA_KEY];
  if (list === undefined || list === null) return ok({ value: json, names: [], etag });
  if (!Array.isArray(list) || !list.every((n): n is string => typeof n === "string"))
    return fail("bad-reply", `dnssec/${NTA_KEY} is not a list of names`);
  return ok({ value: json, names: list, etag });
}

/** How many times a change starts over when the configuration moved under it. */
const CHANGE_ATTEMPTS = 3;

export interface Knot6Options {
  name: string;
  endpoint: ManagementEndpoint;
  timeoutMs: number;
}

export class KnotResolver6Adapter implements ResolverAdapter {
  readonly kind = "knot-resolver" as const;
  readonly name: string;
  private readonly endpoint: ManagementEndpoint;
  private readonly timeoutMs: number;

  constructor(options: Knot6Options) {
    this.name = options.name;
    this.endpoint = options.endpoint;
    this.timeoutMs = options.timeoutMs;
  }

  private where(method: string, path: string): string {
    return `${endpointLabel(this.endpoint)} ${method} ${path}`;
  }

  private async readSection(): Promise<Result<DnssecSection>> {
    const r = await apiRequest(this.endpoint, "GET", DNSSEC_POINTER, {
      timeoutMs: this.timeoutMs,
    });
    if (!r.ok) return r;
    const where = this.where("GET", DNSSEC_POINTER);
    const json = replyJson(where, r.value);
    if (!json.ok) return json;
    const section = parseDnssecSection(json.value, r.value.etag);
    if (!section.ok) return fail(section.error.kind, `${where}: ${section.error.message}`);
    return section;
  }

  /** Writes the list against the section read: "stale" when the ETag no longer matches. */
  private async writeNames(
    section: DnssecSection,
    names: string[],
  ): Promise<Result<"written" | "stale">> {
    // Below an absent (or `true`) section a pointer reaches nothing: write the section.
    const [path, body] = isObject(section.value)
      ? [`${DNSSEC_POINTER}/${NTA_KEY}`, names]
      : [DNSSEC_POINTER, { [NTA_KEY]: names }];
    const r = await apiRequest(this.endpoint, "PUT", path, {
      body,
      ifMatch: section.etag,
      timeoutMs: this.timeoutMs,
    });
    if (!r.ok) return r;
    if (r.value.status === 412) return ok("stale");
    const json = replyJson(this.where("PUT", path), r.value);
    return json.ok ? ok("written") : json;
  }

  /**
   * Reads the list, lets `edit` make the new one (undefined: nothing to do)
   * and writes it, starting over when someone changed the configuration in
   * between.
   */
  private async change(edit: (names: string[]) => string[] | undefined): Promise<Result> {
    for (let attempt = 1; attempt <= CHANGE_ATTEMPTS; attempt++) {
      const section = await this.readSection();
      if (!section.ok) return section;
      const next = edit(section.value.names);
      if (next === undefined) return done;
      if (section.value.value === false)
        return fail(
          "unsupported",
          `${endpointLabel(this.endpoint)}: DNSSEC validation is off (dnssec: false), an NTA would change nothing`,
        );
      const w = await this.writeNames(section.value, next);
      if (!w.ok) return w;
      if (w.value === "written") return done;
    }
    return fail(
      "rejected",
      `${endpointLabel(this.endpoint)}: the configuration changed under each of ${CHANGE_ATTEMPTS} attempts (HTTP 412)`,
    );
  }

  async list(): Promise<Result<NtaEntry[]>> {
    const section = await this.readSection();
    if (!section.ok) return section;
    return ok(section.value.names.map((raw) => ({ zone: normalizeListed(raw), raw })));
  }

  async add(zone: string, _options: AddOptions): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const r = await this.change((names) =>
      names.some((n) => normalizeListed(n) === z.value) ? undefined : [...names, z.value],
    );
    return r.ok ? this.flush(z.value) : r;
  }

  async remove(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const r = await this.change((names) => {
      const kept = names.filter((n) => normalizeListed(n) !== z.value);
      return kept.length === names.length ? undefined : kept;
    });
    return r.ok ? this.flush(z.value) : r;
  }

  /**
   * The cache at and below the zone (RFC 7646 §2: answers cached as bogus
   * must go). The manager hands it to one worker; the workers share the
   * cache. A large subtree goes on clearing after the reply (`chunk_limit`).
   */
  async flush(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const r = await apiRequest(this.endpoint, "POST", CACHE_CLEAR_PATH, {
      body: { name: z.value, "exact-name": false },
      timeoutMs: this.timeoutMs,
    });
    if (!r.ok) return r;
    const where = this.where("POST", CACHE_CLEAR_PATH);
    const json = replyJson(where, r.value);
    if (!json.ok) return json;
    if (!isObject(json.value) || typeof json.value.count !== "number")
      return fail("bad-reply", `${where}: no count in ${r.value.body.slice(0, 200)}`);
    return done;
  }
}
