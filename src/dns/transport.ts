/**
 * Sending one DNS message to one server and getting one answer back, over
 * UDP (RFC 1035 §4.2.1) or TCP with its two-octet length prefix (RFC 1035
 * §4.2.2, RFC 7766 §8). Every failure comes back as a value: a transport
 * never throws for anything the network does. UDP sockets are pooled per
 * server and closed when idle (UdpTcpTransport); a TCP connection is closed
 * with its answer.
 *
 * The transport does not parse DNS. A caller that wants to skip answers that
 * do not belong to its query (RFC 5452 §9.1) passes `accept`; rejected
 * answers are ignored and the wait goes on until the timeout.
 */
import { randomInt } from "node:crypto";
import dgram from "node:dgram";
import net from "node:net";
import { performance } from "node:perf_hooks";

export interface ServerAddress {
  /** An IPv4 or IPv6 address literal. */
  address: string;
  port: number;
}

export type TransportError = "timeout" | "unreachable" | "refused" | "malformed";

export type TransportResult =
  | { ok: true; bytes: Uint8Array; rttMs: number }
  | { ok: false; error: TransportError; message: string };

export interface SendOptions {
  tcp: boolean;
  /** Budget for the whole exchange, connection set-up included. */
  timeoutMs: number;
  /** Returns false for an answer that is not for this query; it is then ignored. */
  accept?: (bytes: Uint8Array) => boolean;
}

export interface Transport {
  send(server: ServerAddress, query: Uint8Array, opts: SendOptions): Promise<TransportResult>;
}

const MAX_UDP_PAYLOAD = 65507; // IPv4: 65535 less the IP and UDP headers

/** Maps a socket error to a transport error. */
function failure(err: NodeJS.ErrnoException, tcp: boolean): TransportResult {
  const proto = tcp ? "TCP" : "UDP";
  const detail = `${proto}: ${err.code ?? "error"} ${err.message}`;
  if (err.code === "ECONNREFUSED") return { ok: false, error: "refused", message: detail };
  if (err.code === "ETIMEDOUT") return { ok: false, error: "timeout", message: detail };
  return { ok: false, error: "unreachable", message: detail };
}

function accepts(accept: SendOptions["accept"], bytes: Uint8Array): boolean {
  if (!accept) return true;
  try {
    return accept(bytes);
  } catch {
    return false;
  }
}

/** How the UDP sockets are pooled; see UdpTcpTransport. */
export interface UdpPoolOptions {
  /** Sockets open at once per server (more only for a message ID already in flight); default 4. */
  socketsPerServer?: number;
  /** Queries a socket sends before it is closed and replaced by one on a new port; default 64. */
  queriesPerSocket?: number;
  /** A socket with no query in flight for this long is closed, ms; default 1000. */
  idleMs?: number;
}

interface PendingQuery {
  accept: SendOptions["accept"];
  started: number;
  finish: (result: TransportResult) => void;
}

/**
 * One UDP socket connected to one server: the kernel picks a random
 * ephemeral port (RFC 5452 §9.2), drops datagrams from any other address or
 * port, and reports ICMP errors. Queries in flight on it have distinct
 * message IDs; an answer goes to the query with its ID, whose `accept` then
 * checks the rest (RFC 5452 §9.1).
 */
class UdpChannel {
  readonly pending = new Map<number, PendingQuery>();
  sent = 0;
  /** No new query goes to a retired channel; it closes once nothing is in flight. */
  retired = false;
  closed = false;
  readonly #socket: dgram.Socket;
  readonly #connected: Promise<void>;
  #idle: NodeJS.Timeout | undefined;

  constructor(
    server: ServerAddress,
    private readonly now: () => number,
    private readonly idleMs: number,
    private readonly onClose: (channel: UdpChannel) => void,
  ) {
    this.#socket = dgram.createSocket({ type: net.isIP(server.address) === 6 ? "udp6" : "udp4" });
    this.#socket.on("message", (msg) => this.#receive(msg));
    // A socket error (ECONNREFUSED from an ICMP report, say) concerns every
    // query in flight: they all went to the same server and port.
    this.#socket.on("error", (err) => {
      this.retired = true;
      for (const q of [...this.pending.values()]) q.finish(failure(err, false));
      this.#closeIfDone();
    });
    this.#connected = new Promise((resolve) =>
      this.#socket.connect(server.port, server.address, resolve),
    );
  }

  /** Sends `query` (whose ID no query in flight here has) and waits for its answer. */
  exchange(id: number, query: Uint8Array, opts: SendOptions): Promise<TransportResult> {
    clearTimeout(this.#idle);
    this.#idle = undefined;
    this.sent++;
    if (this.pending.size === 0) this.#socket.ref();
    return new Promise((resolve) => {
      let done = false;
      const entry: PendingQuery = {
        accept: opts.accept,
        started: this.now(),
        finish: (result) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          this.pending.delete(id);
          resolve(result);
          this.#closeIfDone();
        },
      };
      const timer = setTimeout(
        () =>
          entry.finish({
            ok: false,
            error: "timeout",
            message: `UDP: no answer in ${opts.timeoutMs} ms`,
          }),
        opts.timeoutMs,
      );
      this.pending.set(id, entry);
      void this.#connected.then(() => {
        if (done || this.closed) return;
        this.#socket.send(query, (err) => {
          if (err) entry.finish(failure(err, false));
        });
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.retired = true;
    clearTimeout(this.#idle);
    for (const q of [...this.pending.values()]) {
      q.finish({ ok: false, error: "unreachable", message: "UDP: transport closed" });
    }
    try {
      this.#socket.close();
    } catch {
      // already closed
    }
    this.onClose(this);
  }

  #receive(msg: Buffer): void {
    if (msg.length < 2) return;
    const q = this.pending.get(msg.readUInt16BE(0));
    if (!q) return; // late, or not for any query of ours
    // The datagram's own memory, not a copy: node:dgram gives each datagram its own.
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
    if (!accepts(q.accept, bytes)) return;
    q.finish({ ok: true, bytes, rttMs: this.now() - q.started });
  }

  #closeIfDone(): void {
    if (this.closed || this.pending.size > 0) return;
    if (this.retired) {
      this.close();
      return;
    }
    // Idle: it no longer keeps the process alive, and goes after idleMs.
    this.#socket.unref();
    this.#idle = setTimeout(() => this.close(), this.idleMs);
    this.#idle.unref();
  }
}

/**
 * UDP and TCP over node:dgram and node:net.
 *
 * UDP queries to a server share a small pool of sockets connected to it
 * (`socketsPerServer`), each on an ephemeral port the kernel picked at
 * random (RFC 5452 §9.2); each query goes to one of them drawn at random. A
 * socket is retired after `queriesPerSocket` queries (it takes no new
 * query, closes once its last answer is in, and a new socket on a new port
 * takes its place) and closed after `idleMs` without any, so a port serves
 * a few dozen queries at most and is never kept open while nothing is
 * asked. The cost against per-query ports: an off-path attacker who sends
 * forged answers while queries are in flight hits one of `socketsPerServer`
 * open ports instead of one (RFC 5452 §9.2 asks for as many ports as
 * practical); the 16-bit ID, the question and the server's address and port
 * still have to match (RFC 5452 §9.1). A busy watcher in return does not
 * create, connect and close a socket for every query. A query whose ID is
 * already in flight on every pooled socket gets a socket of its own.
 * Each TCP query opens its own connection.
 */
export class UdpTcpTransport implements Transport {
  private readonly now: () => number;
  readonly #socketsPerServer: number;
  readonly #queriesPerSocket: number;
  readonly #idleMs: number;
  /** Pooled channels by server ("address#port"); retired ones are no longer listed. */
  readonly #pools = new Map<string, UdpChannel[]>();
  readonly #open = new Set<UdpChannel>();

  /** `now` gives milliseconds for round-trip times; default performance.now. */
  constructor(options: { now?: () => number } & UdpPoolOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.#socketsPerServer = options.socketsPerServer ?? 4;
    this.#queriesPerSocket = options.queriesPerSocket ?? 64;
    this.#idleMs = options.idleMs ?? 1000;
    for (const [k, v] of Object.entries({
      socketsPerServer: this.#socketsPerServer,
      queriesPerSocket: this.#queriesPerSocket,
    })) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`bad ${k}: ${v}`);
    }
    if (!(this.#idleMs >= 0)) throw new RangeError(`bad idleMs: ${this.#idleMs}`);
  }

  /** UDP sockets open now, pooled or finishing their last queries. */
  get udpSockets(): number {
    return this.#open.size;
  }

  send(server: ServerAddress, query: Uint8Array, opts: SendOptions): Promise<TransportResult> {
    if (net.isIP(server.address) === 0) {
      throw new TypeError(`not an IP address: ${server.address}`);
    }
    if (!Number.isInteger(server.port) || server.port < 1 || server.port > 0xffff) {
      throw new RangeError(`bad port: ${server.port}`);
    }
    if (!(opts.timeoutMs > 0)) throw new RangeError(`bad timeout: ${opts.timeoutMs}`);
    if (opts.tcp ? query.length > 0xffff : query.length > MAX_UDP_PAYLOAD) {
      throw new RangeError(`query of ${query.length} octets is too long`);
    }
    if (query.length < 2) throw new RangeError("query shorter than its message ID");
    return opts.tcp ? this.sendTcp(server, query, opts) : this.sendUdp(server, query, opts);
  }

  /** Closes every UDP socket; queries in flight on them end as unreachable. */
  close(): void {
    for (const channel of [...this.#open]) channel.close();
  }

  private sendUdp(
    server: ServerAddress,
    query: Uint8Array,
    opts: SendOptions,
  ): Promise<TransportResult> {
    const id = (query[0]! << 8) | query[1]!;
    const channel = this.#channelFor(server, id);
    const sent = channel.exchange(id, query, opts);
    if (channel.sent >= this.#queriesPerSocket) this.#retire(channel, server);
    return sent;
  }

  /** A pooled socket to `server` with no query `id` in flight, or a new one. */
  #channelFor(server: ServerAddress, id: number): UdpChannel {
    const key = `${server.address}#${server.port}`;
    let pool = this.#pools.get(key);
    if (!pool) this.#pools.set(key, (pool = []));
    if (pool.length < this.#socketsPerServer) {
      const channel = this.#openChannel(server);
      pool.push(channel);
      return channel;
    }
    // A socket picked at random, so that the port of the next query is not
    // predictable from the ports of the last ones; then the next free one.
    const start = randomInt(pool.length);
    for (let i = 0; i < pool.length; i++) {
      const channel = pool[(start + i) % pool.length]!;
      if (!channel.pending.has(id)) return channel;
    }
    // The ID is in flight on every pooled socket: a socket of its own, closed after.
    const own = this.#openChannel(server);
    own.retired = true;
    return own;
  }

  #openChannel(server: ServerAddress): UdpChannel {
    const channel = new UdpChannel(server, this.now, this.#idleMs, (c) => {
      this.#open.delete(c);
      this.#retire(c, server);
    });
    this.#open.add(channel);
    return channel;
  }

  #retire(channel: UdpChannel, server: ServerAddress): void {
    channel.retired = true;
    const key = `${server.address}#${server.port}`;
    const pool = this.#pools.get(key);
    if (!pool) return;
    const i = pool.indexOf(channel);
    if (i >= 0) pool.splice(i, 1);
    if (pool.length === 0) this.#pools.delete(key);
  }

  private sendTcp(
    server: ServerAddress,
    query: Uint8Array,
    opts: SendOptions,
  ): Promise<TransportResult> {
    return new Promise((resolve) => {
      const started = this.now();
      const socket = net.connect({ host: server.address, port: server.port });
      let settled = false;
      let buffered = Buffer.alloc(0);
      const finish = (result: TransportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners("data");
        socket.destroy();
        resolve(result);
      };
      const timer = setTimeout(
        () =>
          finish({
            ok: false,
            error: "timeout",
            message: `TCP: no answer in ${opts.timeoutMs} ms`,
          }),
        opts.timeoutMs,
      );
      socket.setNoDelay(true);
      socket.on("error", (err) => finish(failure(err, true)));
      socket.on("connect", () => {
        const frame = Buffer.alloc(2 + query.length);
        frame.writeUInt16BE(query.length, 0);
        frame.set(query, 2);
        socket.write(frame);
      });
      socket.on("data", (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        // RFC 1035 §4.2.2: each message is preceded by its length in two octets.
        while (!settled && buffered.length >= 2) {
          const len = buffered.readUInt16BE(0);
          if (len === 0) {
            finish({ ok: false, error: "malformed", message: "TCP: zero-length message" });
            return;
          }
          if (buffered.length < 2 + len) return;
          const bytes = new Uint8Array(buffered.subarray(2, 2 + len));
          buffered = buffered.subarray(2 + len);
          if (accepts(opts.accept, bytes)) finish({ ok: true, bytes, rttMs: this.now() - started });
        }
      });
      socket.on("close", () => {
        finish(
          buffered.length > 0
            ? { ok: false, error: "malformed", message: "TCP: connection closed inside a message" }
            : { ok: false, error: "unreachable", message: "TCP: connection closed with no answer" },
        );
      });
    });
  }
}
