/**
 * A DNS listener for the demo's simulated servers: UDP and TCP on the same
 * ephemeral port of 127.0.0.1 (RFC 7766: both transports), each query
 * handed to an async handler whose answer is sent back. A UDP answer larger
 * than the client's advertised size goes out truncated (TC set, no records),
 * so the client retries over TCP (RFC 1035 §4.2.1, RFC 6891 §6.2.5).
 */
import dgram from "node:dgram";
import net from "node:net";
import {
  decodeMessage,
  encodeMessage,
  type Message,
  type MessageToEncode,
} from "../dns/message.js";
import type { ServerAddress } from "../dns/transport.js";

/** Answers one decoded query; undefined sends nothing (a server that drops it). */
export type QueryHandler = (
  query: Message,
  proto: "udp" | "tcp",
) => Promise<MessageToEncode | undefined>;

export interface Listener {
  address: ServerAddress;
  close(): Promise<void>;
}

/** The answer's octets; over UDP, truncated when larger than the client accepts. */
async function answerTo(
  handler: QueryHandler,
  bytes: Uint8Array,
  proto: "udp" | "tcp",
): Promise<Uint8Array | undefined> {
  const d = decodeMessage(bytes);
  if (!d.ok) return undefined;
  const reply = await handler(d.message, proto);
  if (!reply) return undefined;
  const out = encodeMessage(reply);
  // RFC 6891 §6.2.3, §6.2.5: the requestor's size, 512 without EDNS or below it.
  const limit = Math.max(512, d.message.edns?.udpSize ?? 512);
  if (proto === "tcp" || out.length <= limit) return out;
  return encodeMessage({
    ...reply,
    flags: { ...reply.flags, tc: true },
    answer: [],
    authority: [],
    additional: [],
  });
}

export async function listen(handler: QueryHandler): Promise<Listener> {
  const tcp = net.createServer((conn) => serveTcp(conn, handler, connections));
  const connections = new Set<net.Socket>();
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (tcp.address() as net.AddressInfo).port;
  const udp = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    udp.once("error", reject);
    udp.bind(port, "127.0.0.1", () => resolve());
  }).catch(async (e: unknown) => {
    await new Promise<void>((r) => tcp.close(() => r()));
    throw e;
  });
  udp.on("error", () => {});
  udp.on("message", (msg, rinfo) => {
    void answerTo(handler, new Uint8Array(msg), "udp").then(
      (answer) => {
        if (answer) udp.send(answer, rinfo.port, rinfo.address);
      },
      () => undefined,
    );
  });
  return {
    address: { address: "127.0.0.1", port },
    close: async () => {
      for (const c of connections) c.destroy();
      await new Promise<void>((r) => udp.close(() => r()));
      await new Promise<void>((r) => tcp.close(() => r()));
    },
  };
}

function serveTcp(conn: net.Socket, handler: QueryHandler, connections: Set<net.Socket>): void {
  connections.add(conn);
  conn.on("close", () => connections.delete(conn));
  conn.on("error", () => {});
  let buffered = Buffer.alloc(0);
  conn.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    // RFC 1035 §4.2.2: each message is preceded by its two-octet length.
    while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
      const len = buffered.readUInt16BE(0);
      const query = new Uint8Array(buffered.subarray(2, 2 + len));
      buffered = buffered.subarray(2 + len);
      void answerTo(handler, query, "tcp").then(
        (answer) => {
          if (!answer || conn.destroyed) return;
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(answer.length);
          conn.write(Buffer.concat([prefix, answer]));
        },
        () => undefined,
      );
    }
  });
}
