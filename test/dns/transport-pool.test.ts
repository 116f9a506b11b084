/**
 * The UDP socket pool of UdpTcpTransport: queries to one server share a few
 * sockets, each answer goes to the query with its ID on the socket it came
 * in on, and sockets are retired after a number of queries or when idle.
 */
import dgram from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { exchange } from "../../src/dns/exchange.js";
import { encodeQuery } from "../../src/dns/message.js";
import { parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { UdpTcpTransport, type TransportResult } from "../../src/dns/transport.js";
import { answerWith, startTestDnsServer, type TestDnsServer } from "./test-dns-server.js";

let server: TestDnsServer | undefined;
let transport: UdpTcpTransport | undefined;

afterEach(async () => {
  transport?.close();
  transport = undefined;
  await server?.close();
  server = undefined;
});

const queryFor = (id: number, name = "www.example."): Uint8Array =>
  encodeQuery({ id, name: parseName(name), type: RrType.A });

const idOf = (b: Uint8Array): number => (b[0]! << 8) | b[1]!;

function bytesOf(r: TransportResult): Uint8Array {
  if (!r.ok) throw new Error(`${r.error}: ${r.message}`);
  return r.bytes;
}

/** The last octets of the first A record of an answer from answerWith: its address. */
const addressOf = (b: Uint8Array): string => [...b.subarray(b.length - 4)].join(".");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `done` holds or about two seconds have passed. */
async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await sleep(10);
}

/** A server that holds UDP queries until `release` and answers them in the reverse order. */
async function reversingServer(): Promise<{ server: TestDnsServer; release: () => void }> {
  const held: { q: Uint8Array; out: (b: Uint8Array) => void }[] = [];
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
  const received: TestDnsServer["received"] = [];
  sock.on("message", (msg, rinfo) => {
    const q = new Uint8Array(msg);
    received.push({ proto: "udp", bytes: q, port: rinfo.port });
    held.push({ q, out: (b) => sock.send(b, rinfo.port, rinfo.address) });
  });
  return {
    server: {
      address: { address: "127.0.0.1", port: sock.address().port },
      received,
      close: () => new Promise<void>((r) => sock.close(() => r())),
    },
    release: () => {
      for (const { q, out } of held.reverse()) {
        out(answerWith(q, { address: `192.0.2.${idOf(q) % 250}` }));
      }
    },
  };
}

describe("answers go to their own query", () => {
  it("matches answers arriving in reverse order to their queries by ID", async () => {
    const s = await reversingServer();
    server = s.server;
    transport = new UdpTcpTransport({ socketsPerServer: 1 });
    const ids = [11, 12, 13, 14, 15];
    const runs = ids.map((id) =>
      transport!.send(server!.address, queryFor(id), { tcp: false, timeoutMs: 2000 }),
    );
    await settle(() => server!.received.length === ids.length);
    // One socket: all five in flight from the same port.
    expect(new Set(server.received.map((r) => r.port)).size).toBe(1);
    s.release();
    const got = (await Promise.all(runs)).map(bytesOf);
    expect(got.map(idOf)).toEqual(ids);
    expect(got.map(addressOf)).toEqual(ids.map((id) => `192.0.2.${id}`));
  });

  it("ignores an answer with an ID no query on the socket has", async () => {
    server = await startTestDnsServer((q) => ({
      send: [answerWith(q, { id: idOf(q) ^ 1, address: "192.0.2.66" }), answerWith(q, {})],
    }));
    transport = new UdpTcpTransport({ socketsPerServer: 1 });
    const r = await transport.send(server.address, queryFor(0x2222), {
      tcp: false,
      timeoutMs: 2000,
    });
    expect(idOf(bytesOf(r))).toBe(0x2222);
    expect(addressOf(bytesOf(r))).not.toBe("192.0.2.66");
  });

  it("ignores an answer with the right ID to another question, and takes the right one (RFC 5452 §9.1)", async () => {
    server = await startTestDnsServer((q) => ({
      send: [
        answerWith(q, { name: "other.example.", address: "192.0.2.66" }),
        answerWith(q, { address: "192.0.2.7" }),
      ],
    }));
    transport = new UdpTcpTransport({ socketsPerServer: 1 });
    const r = await exchange(
      transport,
      server.address,
      { name: parseName("www.example."), type: RrType.A },
      { rd: true, cd: false, dnssecOk: false, timeoutMs: 2000, retries: 0 },
    );
    expect(r.ok && r.message.answer[0]!.rdata).toEqual(Uint8Array.of(192, 0, 2, 7));
  });

  it("ignores a forged answer from another source port with the right ID and question", async () => {
    const forger = dgram.createSocket("udp4");
    const genuine = dgram.createSocket("udp4");
    await new Promise<void>((r) => forger.bind(0, "127.0.0.1", () => r()));
    await new Promise<void>((r) => genuine.bind(0, "127.0.0.1", () => r()));
    try {
      // The forger answers at once, from its own port; the server 100 ms later.
      genuine.on("message", (msg, rinfo) => {
        const q = new Uint8Array(msg);
        forger.send(answerWith(q, { address: "192.0.2.66" }), rinfo.port, rinfo.address);
        setTimeout(() => {
          genuine.send(answerWith(q, { address: "192.0.2.7" }), rinfo.port, rinfo.address);
        }, 100);
      });
      transport = new UdpTcpTransport({ socketsPerServer: 1 });
      const at = { address: "127.0.0.1", port: genuine.address().port };
      const r = await transport.send(at, queryFor(0x3333), { tcp: false, timeoutMs: 2000 });
      expect(addressOf(bytesOf(r))).toBe("192.0.2.7");
    } finally {
      forger.close();
      genuine.close();
    }
  });
});

describe("failures", () => {
  it("times out a query with no answer and keeps the socket for the next query", async () => {
    server = await startTestDnsServer((q) =>
      idOf(q) === 1 ? "silent" : { send: [answerWith(q, {})] },
    );
    transport = new UdpTcpTransport({ socketsPerServer: 1 });
    const silent = await transport.send(server.address, queryFor(1), {
      tcp: false,
      timeoutMs: 100,
    });
    expect(silent).toMatchObject({ ok: false, error: "timeout" });
    const answered = await transport.send(server.address, queryFor(2), {
      tcp: false,
      timeoutMs: 2000,
    });
    expect(idOf(bytesOf(answered))).toBe(2);
    expect(new Set(server.received.map((r) => r.port)).size).toBe(1);
  });

  it("asks again over TCP when the pooled UDP socket gets a truncated answer (RFC 7766 §5)", async () => {
    server = await startTestDnsServer((q, proto) => ({
      send: [answerWith(q, proto === "udp" ? { tc: true } : { address: "192.0.2.5" })],
    }));
    transport = new UdpTcpTransport();
    const r = await exchange(
      transport,
      server.address,
      { name: parseName("www.example."), type: RrType.A },
      { rd: true, cd: false, dnssecOk: false, timeoutMs: 2000, retries: 0 },
    );
    expect(r.ok && r.tcp).toBe(true);
    expect(r.ok && r.message.answer[0]!.rdata).toEqual(Uint8Array.of(192, 0, 2, 5));
    expect(server.received.map((x) => x.proto)).toEqual(["udp", "tcp"]);
  });

  it("ends the queries in flight as unreachable when closed", async () => {
    server = await startTestDnsServer(() => "silent");
    transport = new UdpTcpTransport();
    const sent = transport.send(server.address, queryFor(9), { tcp: false, timeoutMs: 5000 });
    await settle(() => server!.received.length === 1);
    transport.close();
    expect(await sent).toMatchObject({ ok: false, error: "unreachable" });
    expect(transport.udpSockets).toBe(0);
  });
});

describe("socket retirement (RFC 5452 §9.2)", () => {
  it("moves to a new socket on a new port after queriesPerSocket queries", async () => {
    server = await startTestDnsServer((q) => ({ send: [answerWith(q, {})] }));
    transport = new UdpTcpTransport({ socketsPerServer: 1, queriesPerSocket: 3 });
    for (let id = 1; id <= 7; id++) {
      bytesOf(await transport.send(server.address, queryFor(id), { tcp: false, timeoutMs: 2000 }));
    }
    const ports = server.received.map((r) => r.port);
    // Three queries per port, in order: 3 + 3 + 1 on three different ports.
    expect(ports.slice(0, 3).every((p) => p === ports[0])).toBe(true);
    expect(ports.slice(3, 6).every((p) => p === ports[3])).toBe(true);
    expect(new Set([ports[0], ports[3], ports[6]]).size).toBe(3);
    // The retired sockets are closed: only the current one is open.
    expect(transport.udpSockets).toBe(1);
  });

  it("closes a retired socket only once its last answer is in", async () => {
    const s = await reversingServer();
    server = s.server;
    transport = new UdpTcpTransport({ socketsPerServer: 1, queriesPerSocket: 2 });
    const runs = [1, 2, 3].map((id) =>
      transport!.send(server!.address, queryFor(id), { tcp: false, timeoutMs: 2000 }),
    );
    await settle(() => server!.received.length === 3);
    expect(transport.udpSockets).toBe(2);
    s.release();
    expect((await Promise.all(runs)).map((r) => idOf(bytesOf(r)))).toEqual([1, 2, 3]);
    await settle(() => transport!.udpSockets === 1);
    expect(transport.udpSockets).toBe(1);
  });

  it("opens at most socketsPerServer sockets per server, more only for an ID in flight on all", async () => {
    const s = await reversingServer();
    server = s.server;
    transport = new UdpTcpTransport({ socketsPerServer: 2 });
    const ids = [5, 6, 7, 8, 5, 5];
    const runs = ids.map((id) =>
      transport!.send(server!.address, queryFor(id), { tcp: false, timeoutMs: 2000 }),
    );
    await settle(() => server!.received.length === ids.length);
    // Two pooled sockets; the third query with ID 5 finds 5 in flight on both.
    expect(new Set(server.received.map((r) => r.port)).size).toBe(3);
    s.release();
    expect((await Promise.all(runs)).map((r) => idOf(bytesOf(r)))).toEqual(ids);
  });

  it("closes sockets idle for idleMs", async () => {
    server = await startTestDnsServer((q) => ({ send: [answerWith(q, {})] }));
    transport = new UdpTcpTransport({ idleMs: 50 });
    await Promise.all(
      [1, 2, 3].map((id) =>
        transport!.send(server!.address, queryFor(id), { tcp: false, timeoutMs: 2000 }),
      ),
    );
    expect(transport.udpSockets).toBeGreaterThan(0);
    await settle(() => transport!.udpSockets === 0);
    expect(transport.udpSockets).toBe(0);
  });

  it("refuses pool options no pool could follow", () => {
    expect(() => new UdpTcpTransport({ socketsPerServer: 0 })).toThrow(RangeError);
    expect(() => new UdpTcpTransport({ queriesPerSocket: 1.5 })).toThrow(RangeError);
    expect(() => new UdpTcpTransport({ idleMs: -1 })).toThrow(RangeError);
  });
});
