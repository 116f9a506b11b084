/**
 * Unbound, through its remote control channel: the protocol unbound-control
 * speaks, spoken here directly. A connection carries one command: the client
 * sends "UBCT1 <command>\n" and reads the reply until the server closes it;
 * a reply whose first line starts with "error" is a failure. The channel is a
 * Unix socket or TCP, the latter with TLS and client certificates when
 * `control-use-cert` is on.
 *
 * Unbound keeps NTAs (`insecure_add`) without a lifetime and does not flush
 * its cache when one is added or removed: the zone, the bogus and the
 * negative caches are flushed here after each change. NTAs added over the
 * channel are lost when Unbound restarts; reconciliation puts them back.
 */
import net from "node:net";
import tls from "node:tls";
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

/** PEM texts, already read from their files. */
export interface UnboundTlsCredentials {
  /** The server's self-signed certificate (unbound_server.pem), trusted as its own CA. */
  serverCert: string;
  /** Our certificate and key (unbound_control.pem, unbound_control.key). */
  clientCert: string;
  clientKey: string;
  /** The name in the server certificate; unbound-control-setup writes "unbound". */
  serverName?: string;
}

export type UnboundEndpoint =
  { socket: string } | { host: string; port: number; tls?: UnboundTlsCredentials };

export interface UnboundOptions {
  name: string;
  endpoint: UnboundEndpoint;
  timeoutMs: number;
}

const PROTOCOL_VERSION = "UBCT1";
const MAX_REPLY = 1 << 20;

function connect(endpoint: UnboundEndpoint): net.Socket {
  if ("socket" in endpoint) return net.createConnection({ path: endpoint.socket });
  if (!endpoint.tls) return net.createConnection({ host: endpoint.host, port: endpoint.port });
  const expected = endpoint.tls.serverName ?? "unbound";
  return tls.connect({
    host: endpoint.host,
    port: endpoint.port,
    ca: endpoint.tls.serverCert,
    cert: endpoint.tls.clientCert,
    key: endpoint.tls.clientKey,
    servername: expected,
    // The server certificate names the daemon, not a host: check its CN.
    checkServerIdentity: (_host, cert) =>
      cert.subject?.CN === expected
        ? undefined
        : new Error(
            `server certificate is for ${JSON.stringify(cert.subject?.CN)}, expected ${expected}`,
          ),
  });
}

function where(endpoint: UnboundEndpoint): string {
  return "socket" in endpoint ? endpoint.socket : `${endpoint.host}#${endpoint.port}`;
}

/** Sends one command and returns the whole reply, or the reason there is none. */
export function unboundCommand(
  endpoint: UnboundEndpoint,
  command: string,
  timeoutMs: number,
): Promise<Result<string>> {
  if (/[\r\n]/.test(command)) throw new TypeError("an unbound-control command is one line");
  const secure = !("socket" in endpoint) && endpoint.tls !== undefined;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const socket = connect(endpoint);
    const finish = (r: Result<string>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish(fail("timeout", `${where(endpoint)}: no complete reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once(secure ? "secureConnect" : "connect", () => {
      socket.write(`${PROTOCOL_VERSION} ${command}\n`);
    });
    socket.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REPLY)
        finish(fail("bad-reply", `${where(endpoint)}: reply over ${MAX_REPLY} octets`));
      else chunks.push(chunk);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => finish(socketFailure(where(endpoint), err)));
    socket.on("close", () => finish(ok(Buffer.concat(chunks).toString("utf8"))));
  });
}

/** A reply that starts with "error" is Unbound refusing the command. */
function checked(reply: Result<string>, command: string): Result<string> {
  if (!reply.ok) return reply;
  const text = reply.value;
  if (text.startsWith("error")) return fail("rejected", `${command}: ${text.trim()}`);
  if (text === "") return fail("bad-reply", `${command}: empty reply`);
  return reply;
}

/** Parses `list_insecure`: one name per line. */
export function parseListInsecure(text: string): NtaEntry[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((raw) => ({ zone: normalizeListed(raw), raw }));
}

export class UnboundAdapter implements ResolverAdapter {
  readonly kind = "unbound" as const;
  readonly name: string;
  private readonly endpoint: UnboundEndpoint;
  private readonly timeoutMs: number;

  constructor(options: UnboundOptions) {
    this.name = options.name;
    this.endpoint = options.endpoint;
    this.timeoutMs = options.timeoutMs;
  }

  private async run(command: string): Promise<Result<string>> {
    return checked(await unboundCommand(this.endpoint, command, this.timeoutMs), command);
  }

  async list(): Promise<Result<NtaEntry[]>> {
    const reply = await unboundCommand(this.endpoint, "list_insecure", this.timeoutMs);
    if (!reply.ok) return reply;
    // An empty list is an empty reply; only an "error" line is a failure.
    if (reply.value.startsWith("error"))
      return fail("rejected", `list_insecure: ${reply.value.trim()}`);
    return ok(parseListInsecure(reply.value));
  }

  async add(zone: string, _options: AddOptions): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const added = await this.run(`insecure_add ${z.value}`);
    if (!added.ok) return added;
    return this.flush(z.value);
  }

  async remove(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    // Removing a name that is not there answers "ok" too.
    const removed = await this.run(`insecure_remove ${z.value}`);
    if (!removed.ok) return removed;
    return this.flush(z.value);
  }

  /** Unbound flushes nothing by itself: the zone's data and keys, then bogus and negative entries. */
  async flush(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    for (const command of [`flush_zone ${z.value}`, "flush_bogus", "flush_negative"]) {
      const r = await this.run(command);
      if (!r.ok) return r;
    }
    return done;
  }
}
