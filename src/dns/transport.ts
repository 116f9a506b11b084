/**
 * Sending one DNS message to one server and getting one answer back, over
 * UDP (RFC 1035 §4.2.1) or TCP with its two-octet length prefix (RFC 1035
 * §4.2.2, RFC 7766 §8). Every failure comes back as a value: a transport
 * never throws for anything the network does, and leaves no socket open.
 *
 * The transport does not parse DNS. A caller that wants to skip answers that
 * do not belong to its query (RFC 5452 §9.1) passes `accept`; rejected
 * answers are ignored and the wait goes on until the timeout.
 */
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

function accepts(opts: SendOptions, bytes: Uint8Array): boolean {
  if (!opts.accept) return true;
  try {
    return opts.accept(bytes);
  } catch {
    return false;
  }
}

/**
 * UDP and TCP over node:dgram and node:net. Each UDP query gets a fresh
 * socket on an ephemeral port the kernel picks (RFC 5452 §9.2: random source
 * port), connected to the server so that datagrams from any other address or
 * port are dropped and ICMP errors are reported.
 */
export class UdpTcpTransport implements Transport {
  private readonly now: () => number;

  /** `now` gives milliseconds for round-trip times; default performance.now. */
  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? (() => performance.now());
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
    return opts.tcp ? this.sendTcp(server, query, opts) : this.sendUdp(server, query, opts);
  }

  private sendUdp(
    server: ServerAddress,
    query: Uint8Array,
    opts: SendOptions,
  ): Promise<TransportResult> {
    return new Promise((resolve) => {
      const type = net.isIP(server.address) === 6 ? "udp6" : "udp4";
      const socket = dgram.createSocket({ type });
      const started = this.now();
      let settled = false;
      const finish = (result: TransportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners("message");
        try {
          socket.close();
        } catch {
          // already closed
        }
        resolve(result);
      };
      const timer = setTimeout(
        () =>
          finish({
            ok: false,
            error: "timeout",
            message: `UDP: no answer in ${opts.timeoutMs} ms`,
          }),
        opts.timeoutMs,
      );
      // Errors after settling (a late ICMP report) are swallowed by this listener.
      socket.on("error", (err) => finish(failure(err, false)));
      socket.on("message", (msg) => {
        const bytes = new Uint8Array(msg);
        if (!accepts(opts, bytes)) return;
        finish({ ok: true, bytes, rttMs: this.now() - started });
      });
      socket.connect(server.port, server.address, () => {
        if (settled) return;
        socket.send(query, (err) => {
          if (err) finish(failure(err, false));
        });
      });
    });
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
          if (accepts(opts, bytes)) finish({ ok: true, bytes, rttMs: this.now() - started });
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
