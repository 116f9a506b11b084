/**
 * A tiny DNS server for transport tests: UDP and TCP on the same ephemeral
 * port of 127.0.0.1, answering each query with whatever the test's handler
 * returns (several answers, raw octets, silence, or a closed connection).
 */
import dgram from "node:dgram";
import net from "node:net";
import dnsPacket from "dns-packet";
import type { ServerAddress } from "../../src/dns/transport.js";

export type Reply =
  { send: (Uint8Array | { raw: Uint8Array; thenClose?: boolean })[] } | "silent" | "close";

export interface Received {
  proto: "udp" | "tcp";
  bytes: Uint8Array;
  /** Source port of the query (UDP only). */
  port?: number;
}

export interface TestDnsServer {
  address: ServerAddress;
  received: Received[];
  close(): Promise<void>;
}

type Handler = (query: Uint8Array, proto: "udp" | "tcp") => Reply;

function listenUdp(socket: dgram.Socket, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, "127.0.0.1", () => {
      socket.off("error", reject);
      resolve();
    });
  });
}

function listenTcp(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

export async function startTestDnsServer(handler: Handler): Promise<TestDnsServer> {
  const received: Received[] = [];
  const connections = new Set<net.Socket>();
  for (let tries = 0; ; tries++) {
    const udp = dgram.createSocket("udp4");
    await listenUdp(udp, 0);
    const port = udp.address().port;
    const tcp = net.createServer((conn) => serveTcp(conn, handler, received, connections));
    try {
      await listenTcp(tcp, port);
    } catch (e) {
      udp.close();
      if (tries < 20) continue;
      throw e;
    }
    udp.on("message", (msg, rinfo) => {
      const bytes = new Uint8Array(msg);
      received.push({ proto: "udp", bytes, port: rinfo.port });
      const reply = handler(bytes, "udp");
      if (typeof reply === "string") return;
      for (const item of reply.send) {
        const out = item instanceof Uint8Array ? item : item.raw;
        udp.send(out, rinfo.port, rinfo.address);
      }
    });
    return {
      address: { address: "127.0.0.1", port },
      received,
      close: async () => {
        for (const c of connections) c.destroy();
        await new Promise<void>((r) => udp.close(() => r()));
        await new Promise<void>((r) => tcp.close(() => r()));
      },
    };
  }
}

function serveTcp(
  conn: net.Socket,
  handler: Handler,
  received: Received[],
  connections: Set<net.Socket>,
): void {
  connections.add(conn);
  conn.on("close", () => connections.delete(conn));
  conn.on("error", () => {});
  let buffered = Buffer.alloc(0);
  conn.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      const len = buffered.readUInt16BE(0);
      const bytes = new Uint8Array(buffered.subarray(2, 2 + len));
      buffered = buffered.subarray(2 + len);
      received.push({ proto: "tcp", bytes });
      const reply = handler(bytes, "tcp");
      if (reply === "close") {
        conn.destroy();
        return;
      }
      if (reply === "silent") continue;
      for (const item of reply.send) {
        if (item instanceof Uint8Array) {
          // The length prefix and the message in two writes, to exercise reassembly.
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(item.length);
          conn.write(prefix);
          conn.write(item);
        } else {
          conn.write(item.raw);
          if (item.thenClose) conn.end();
        }
      }
    }
  });
}

export interface AnswerShape {
  /** Default: the query's ID. */
  id?: number;
  tc?: boolean;
  /** QR bit; default set. */
  qr?: boolean;
  /** Question name to echo; default the query's. */
  name?: string;
  /** An A record for the question name, when given. */
  address?: string;
}

/** An answer to `query`, written by dns-packet (not by the code under test). */
export function answerWith(query: Uint8Array, shape: AnswerShape): Uint8Array {
  const q = dnsPacket.decode(Buffer.from(query));
  const question = q.questions![0]!;
  return new Uint8Array(
    dnsPacket.encode({
      id: shape.id ?? q.id!,
      type: shape.qr === false ? "query" : "response",
      flags: shape.tc ? dnsPacket.TRUNCATED_RESPONSE : 0,
      questions: [{ ...question, name: shape.name ?? question.name }],
      answers: shape.address
        ? [{ type: "A", name: question.name, ttl: 300, class: "IN", data: shape.address }]
        : [],
    }),
  );
}
