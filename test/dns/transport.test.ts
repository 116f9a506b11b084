import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { encodeQuery } from "../../src/dns/message.js";
import { parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { UdpTcpTransport, type TransportResult } from "../../src/dns/transport.js";
import { answerWith, startTestDnsServer, type TestDnsServer } from "./test-dns-server.js";

const transport = new UdpTcpTransport();
const query = encodeQuery({ id: 0x5151, name: parseName("www.example."), type: RrType.A });
let server: TestDnsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function socketHandles(): number {
  return process
    .getActiveResourcesInfo()
    .filter((k) => k === "UDPWrap" || k === "TCPSocketWrap" || k === "TCPWrap").length;
}

/** Polls until `done` holds or about two seconds have passed. */
async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

function bytesOf(r: TransportResult): Uint8Array {
  if (!r.ok) throw new Error(`${r.error}: ${r.message}`);
  return r.bytes;
}

describe("UDP (RFC 1035 §4.2.1)", () => {
  it("returns the datagram the server sent", async () => {
    let sent: Uint8Array | undefined;
    server = await startTestDnsServer((q) => {
      sent = answerWith(q, { address: "192.0.2.1" });
      return { send: [sent] };
    });
    const r = await transport.send(server.address, query, { tcp: false, timeoutMs: 2000 });
    expect(bytesOf(r)).toEqual(sent);
    expect(r.ok && r.rttMs).toBeGreaterThanOrEqual(0);
    expect(server.received.map((x) => x.proto)).toEqual(["udp"]);
    expect(server.received[0]!.bytes).toEqual(query);
  });

  it("spreads queries over several source ports (RFC 5452 §9.2)", async () => {
    server = await startTestDnsServer((q) => ({ send: [answerWith(q, {})] }));
    for (let i = 0; i < 6; i++) {
      await transport.send(server.address, query, { tcp: false, timeoutMs: 2000 });
    }
    const ports = new Set(server.received.map((x) => x.port));
    expect(ports.size).toBeGreaterThan(1);
  });

  it("ignores answers the caller does not accept and waits for the next", async () => {
    server = await startTestDnsServer((q) => ({
      send: [answerWith(q, { id: 1 }), answerWith(q, { id: 0x5151, address: "192.0.2.7" })],
    }));
    const accept = (b: Uint8Array) => b[0] === 0x51 && b[1] === 0x51;
    const r = await transport.send(server.address, query, { tcp: false, timeoutMs: 2000, accept });
    expect(bytesOf(r).subarray(0, 2)).toEqual(Uint8Array.of(0x51, 0x51));
  });

  it("times out when the server stays silent", async () => {
    server = await startTestDnsServer(() => "silent");
    const r = await transport.send(server.address, query, { tcp: false, timeoutMs: 150 });
    expect(r).toMatchObject({ ok: false, error: "timeout" });
  });

  it("times out when only unacceptable answers come", async () => {
    server = await startTestDnsServer((q) => ({ send: [answerWith(q, { id: 2 })] }));
    const r = await transport.send(server.address, query, {
      tcp: false,
      timeoutMs: 150,
      accept: () => false,
    });
    expect(r).toMatchObject({ ok: false, error: "timeout" });
  });

  it("reports a closed port as refused, from the ICMP error", async () => {
    const port = await closedPort();
    const r = await transport.send({ address: "127.0.0.1", port }, query, {
      tcp: false,
      timeoutMs: 2000,
    });
    expect(r).toMatchObject({ ok: false, error: "refused" });
  });
});

describe("TCP (RFC 1035 §4.2.2, RFC 7766 §8)", () => {
  it("frames the query with its length and reassembles the framed answer", async () => {
    let sent: Uint8Array | undefined;
    server = await startTestDnsServer((q) => {
      sent = answerWith(q, { address: "192.0.2.2" });
      return { send: [sent] };
    });
    const r = await transport.send(server.address, query, { tcp: true, timeoutMs: 2000 });
    expect(bytesOf(r)).toEqual(sent);
    expect(server.received).toEqual([{ proto: "tcp", bytes: query }]);
  });

  it("skips unaccepted messages on the same connection", async () => {
    server = await startTestDnsServer((q) => ({
      send: [answerWith(q, { id: 3 }), answerWith(q, { id: 0x5151 })],
    }));
    const accept = (b: Uint8Array) => b[0] === 0x51;
    const r = await transport.send(server.address, query, { tcp: true, timeoutMs: 2000, accept });
    expect(bytesOf(r)[0]).toBe(0x51);
  });

  it("times out when the server keeps the connection open and silent", async () => {
    server = await startTestDnsServer(() => "silent");
    const r = await transport.send(server.address, query, { tcp: true, timeoutMs: 150 });
    expect(r).toMatchObject({ ok: false, error: "timeout" });
  });

  it("reports a connection closed with no answer as unreachable", async () => {
    server = await startTestDnsServer(() => "close");
    const r = await transport.send(server.address, query, { tcp: true, timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, error: "unreachable" });
  });

  it("reports a connection closed inside a message as malformed", async () => {
    server = await startTestDnsServer(() => ({
      send: [{ raw: Uint8Array.of(0, 40, 0x51, 0x51, 0x81), thenClose: true }],
    }));
    const r = await transport.send(server.address, query, { tcp: true, timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, error: "malformed" });
  });

  it("reports a closed port as refused", async () => {
    const port = await closedPort();
    const r = await transport.send({ address: "127.0.0.1", port }, query, {
      tcp: true,
      timeoutMs: 2000,
    });
    expect(r).toMatchObject({ ok: false, error: "refused" });
  });
});

describe("IPv6", () => {
  it.todo("sends over udp6 and TCP to an IPv6 server (test servers listen on 127.0.0.0/8 only)");
});

describe("resources", () => {
  it("leaves no socket open after answers, timeouts and refusals", async () => {
    // Sockets of earlier tests may still be closing: start from none.
    await settle(() => socketHandles() === 0);
    expect(socketHandles()).toBe(0);
    const s = await startTestDnsServer((q) =>
      q[1]! % 2 ? "silent" : { send: [answerWith(q, {})] },
    );
    const port = await closedPort();
    const runs: Promise<TransportResult>[] = [];
    for (let i = 0; i < 4; i++) {
      const q = encodeQuery({ id: i, name: parseName("example."), type: RrType.A });
      for (const tcp of [false, true]) {
        runs.push(transport.send(s.address, q, { tcp, timeoutMs: 150 }));
        runs.push(transport.send({ address: "127.0.0.1", port }, q, { tcp, timeoutMs: 150 }));
      }
    }
    const results = await Promise.all(runs);
    expect(new Set(results.map((r) => (r.ok ? "ok" : r.error)))).toEqual(
      new Set(["ok", "timeout", "refused"]),
    );
    await s.close();
    // Closing is asynchronous: wait for the handles to go, then compare.
    await settle(() => socketHandles() === 0);
    expect(socketHandles()).toBe(0);
  });

  it("throws on arguments no network could fix", () => {
    expect(() =>
      transport.send({ address: "ns.example", port: 53 }, query, { tcp: false, timeoutMs: 10 }),
    ).toThrow(TypeError);
    expect(() =>
      transport.send({ address: "127.0.0.1", port: 0 }, query, { tcp: false, timeoutMs: 10 }),
    ).toThrow(RangeError);
  });
});
