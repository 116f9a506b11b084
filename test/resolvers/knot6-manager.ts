/**
 * A stand-in for Knot Resolver 6's manager HTTP API, written from the 6.x
 * documentation (manager API, kresctl, the dnssec and cache sections of the
 * configuration): GET, PUT and DELETE of the configuration by RFC 6901 JSON
 * pointer under /v1/config, an ETag for the whole configuration on every
 * reply and 412 when If-Match names another, 400 with a text when the new
 * configuration does not validate, and POST /cache/clear over a set of
 * cached names. It listens on a Unix socket or on 127.0.0.1, and can be
 * told to misbehave. It is no Knot Resolver: only what the adapter relies on.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Misbehaviour =
  | "none"
  /** 200 with a body cut in the middle of its JSON. */
  | "garbage"
  /** Reads the request and never answers. */
  | "silent"
  /** Closes the connection without a reply. */
  | "hang-up"
  /** 500 with a text holding a private key. */
  | "key-in-error";

export interface Logged {
  method: string;
  path: string;
  body: unknown;
  ifMatch: string | undefined;
  status: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// A domain name as the manager's DomainName type takes it: labels of
// letters, digits and inner hyphens, an optional final dot; no underscore.
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const DOMAIN = new RegExp(`^(?:${LABEL}\\.)*${LABEL}\\.?$`);

const isContainer = (v: unknown): v is Json[] | { [key: string]: Json } =>
  typeof v === "object" && v !== null;

/** Why the configuration is invalid, or undefined. */
function invalid(config: Json): string | undefined {
  if (!isContainer(config) || Array.isArray(config)) return "/: expected an object";
  const dnssec = config.dnssec;
  if (dnssec === undefined || typeof dnssec === "boolean") return undefined;
  if (!isContainer(dnssec) || Array.isArray(dnssec))
    return "/dnssec: expected a boolean or an object";
  const ntas = dnssec["negative-trust-anchors"];
  if (ntas === undefined || ntas === null) return undefined;
  if (!Array.isArray(ntas)) return "/dnssec/negative-trust-anchors: expected a list";
  for (const [i, n] of ntas.entries()) {
    if (typeof n !== "string" || !DOMAIN.test(n))
      return `/dnssec/negative-trust-anchors[${i}]: ${JSON.stringify(n)} is not a domain name`;
  }
  return undefined;
}

const decodeToken = (t: string) => t.replace(/~1/g, "/").replace(/~0/g, "~");

/** The name lowercase with the final dot. */
const canonical = (n: string) => (n.endsWith(".") ? n : `${n}.`).toLowerCase();

export class FakeManager {
  config: Json;
  /** Cached owner names, lowercase with the final dot. */
  cache: Set<string>;
  readonly log: Logged[] = [];
  misbehave: Misbehaviour = "none";
  /** Runs once just before the next PUT is looked at: another client's change. */
  beforeNextPut: (() => void) | undefined;
  private readonly server: http.Server;

  constructor(config: Json, cached: string[] = []) {
    this.config = structuredClone(config);
    this.cache = new Set(cached.map(canonical));
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  etag(): string {
    return `"${createHash("sha256").update(JSON.stringify(this.config)).digest("hex").slice(0, 20)}"`;
  }

  /** The NTA list as the configuration holds it now. */
  ntas(): unknown {
    const d =
      isContainer(this.config) && !Array.isArray(this.config) ? this.config.dnssec : undefined;
    return isContainer(d) && !Array.isArray(d) ? d["negative-trust-anchors"] : undefined;
  }

  /** Listens on the socket path, or on 127.0.0.1; the value for `managementApi`. */
  listen(socketPath?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      const done = () => {
        const a = this.server.address();
        resolve(typeof a === "string" ? a : `http://127.0.0.1:${(a as AddressInfo).port}`);
      };
      if (socketPath !== undefined) this.server.listen(socketPath, done);
      else this.server.listen(0, "127.0.0.1", done);
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const entry: Logged = {
        method: req.method ?? "",
        path: req.url ?? "",
        body: text === "" ? undefined : (JSON.parse(text) as unknown),
        ifMatch: req.headers["if-match"],
        status: 0,
      };
      this.log.push(entry);
      if (this.misbehave === "silent") return;
      if (this.misbehave === "hang-up") {
        req.socket.destroy();
        return;
      }
      const reply = (status: number, body?: Json | string) => {
        entry.status = status;
        const out =
          body === undefined
            ? ""
            : typeof body === "string" && status >= 400
              ? body
              : JSON.stringify(body);
        res.writeHead(status, {
          "content-type": status >= 400 ? "text/plain" : "application/json",
          etag: this.etag(),
        });
        res.end(out);
      };
      if (this.misbehave === "garbage") {
        entry.status = 200;
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"count": ');
        return;
      }
      if (this.misbehave === "key-in-error") {
        reply(
          500,
          "request processing failed:\n-----BEGIN PRIVATE KEY-----\nMC4C\n-----END PRIVATE KEY-----",
        );
        return;
      }
      const url = req.url ?? "";
      if (req.method === "POST" && url === "/cache/clear") return this.cacheClear(text, reply);
      if (url === "/v1/config" || url.startsWith("/v1/config/"))
        return this.configQuery(
          req.method ?? "",
          url.slice("/v1/config".length),
          text,
          req.headers["if-match"],
          reply,
        );
      reply(404, "not found");
    });
  }

  private configQuery(
    method: string,
    pointer: string,
    text: string,
    ifMatch: string | undefined,
    reply: (status: number, body?: Json | string) => void,
  ): void {
    if (method === "PUT") {
      const change = this.beforeNextPut;
      this.beforeNextPut = undefined;
      change?.();
    }
    if (ifMatch !== undefined && ifMatch !== this.etag()) {
      reply(method === "GET" ? 304 : 412);
      return;
    }
    const tokens = pointer === "" ? [] : pointer.slice(1).split("/").map(decodeToken);
    if (method === "GET") {
      let node: Json | undefined = this.config;
      for (const t of tokens) {
        if (!isContainer(node)) {
          reply(
            500,
            `request processing failed:\ncannot point below ${JSON.stringify(node ?? null)}`,
          );
          return;
        }
        node = Array.isArray(node) ? node[Number(t)] : node[t];
      }
      reply(200, node === undefined ? undefined : node);
      return;
    }
    if (method !== "PUT" && method !== "DELETE") {
      reply(405, "method not allowed");
      return;
    }
    let value: Json;
    try {
      value = method === "PUT" ? (JSON.parse(text) as Json) : null;
    } catch (e) {
      reply(400, `request processing error:\n${(e as Error).message}`);
      return;
    }
    const next = structuredClone(this.config);
    const root: { root: Json } = { root: next };
    let parent: Json | { root: Json } = root;
    let key = "root";
    for (const t of tokens) {
      const child: Json | undefined = Array.isArray(parent)
        ? parent[Number(key)]
        : (parent as Record<string, Json>)[key];
      if (!isContainer(child)) {
        reply(
          500,
          `request processing failed:\ncannot point below ${JSON.stringify(child ?? null)}`,
        );
        return;
      }
      parent = child;
      key = t;
    }
    const holder = parent as Record<string, Json>;
    if (method === "DELETE") {
      if (!(key in holder)) {
        reply(500, `request processing failed:\nno ${JSON.stringify(key)} to delete`);
        return;
      }
      if (Array.isArray(holder)) holder.splice(Number(key), 1);
      else delete holder[key];
    } else if (Array.isArray(holder) && key === "-") (holder as Json[]).push(value);
    else holder[key] = value;
    const why = invalid(root.root);
    if (why !== undefined) {
      reply(400, `validation of configuration failed:\n[${why}]`);
      return;
    }
    this.config = root.root;
    reply(200);
  }

  private cacheClear(text: string, reply: (status: number, body?: Json | string) => void): void {
    let params: unknown;
    try {
      params = JSON.parse(text);
    } catch (e) {
      reply(400, `request processing error:\n${(e as Error).message}`);
      return;
    }
    if (!isContainer(params) || Array.isArray(params)) {
      reply(400, "expected an object");
      return;
    }
    const unknown = Object.keys(params).filter(
      (k) => !["name", "exact-name", "rr-type", "chunk-size"].includes(k),
    );
    const name = params.name;
    const exact = params["exact-name"] ?? false;
    if (
      unknown.length > 0 ||
      (name !== undefined && (typeof name !== "string" || !(name === "." || DOMAIN.test(name)))) ||
      typeof exact !== "boolean"
    ) {
      reply(400, `validation of cache clear parameters failed: ${text}`);
      return;
    }
    let count = 0;
    for (const cached of [...this.cache]) {
      const zone = name === undefined ? "." : canonical(name);
      const hit = exact
        ? cached === zone
        : zone === "." || cached === zone || cached.endsWith(`.${zone}`);
      if (hit) {
        this.cache.delete(cached);
        count++;
      }
    }
    reply(200, { count });
  }
}
