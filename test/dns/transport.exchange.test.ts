import net from "node:net";
import dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { decodeAnswer, exchange, type ExchangeOptions } from "../../src/dns/exchange.js";
import { nameToText, parseName } from "../../src/dns/name.js";
import { RrType } from "../../src/dns/rr.js";
import { UdpTcpTransport } from "../../src/dns/transport.js";
import { answerWith, startTestDnsServer, type TestDnsServer } from "./test-dns-server.js";

const transport = new UdpTcpTransport();
const name = parseName("www.example.");
const question = { name, type: RrType.A };
const base: ExchangeOptions = { rd: true, cd: false, dnssecOk: false, timeoutMs: 1000, retries: 0 };
let server: TestDnsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The IDs of the queries the server received, read by dns-packet. */
function idsSeen(s: TestDnsServer): number[] {
  return s.received.map((r) => dnsPacket.decode(Buffer.from(r.bytes)).id!);
}

/** A generator returning the given IDs in turn, scaled to [0, 1). */
function idSequence(...ids: number[]): () => number {
  let i = 0;
  return () => ids[i++ % ids.length]! / 0x10000;
}

describe("a query and its answer (RFC 1035 §7.3, RFC 5452 §9.1)", () => {
  it("takes the ID from the generator and returns the decoded answer", async () => {
    server = await startTestDnsServer((q) => ({ send: [answerWith(q, { address: "192.0.2.9" })] }));
    const r = await exchange(transport, server.address, question, {
      ...base,
      random: idSequence(0x4242),
    });
    expect(idsSeen(server)).toEqual([0x4242]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.tcp).toBe(false);
    expect(r.message.id).toBe(0x4242);
    expect([...r.message.answer[0]!.rdata]).toEqual([192, 0, 2, 9]);
    expect(r.bytes.length).toBe(r.message.size);
  });

  it("decodes the answer once: the message returned is the one its bytes decoded to", async () => {
    server = await startTestDnsServer((q) => ({ send: [answerWith(q, { address: "192.0.2.9" })] }));
    const r = await exchange(transport, server.address, question, base);
    if (!r.ok) throw new Error(r.message);
    const again = decodeAnswer(r.bytes);
    expect(again.ok && again.message).toBe(r.message);
    // Other bytes, even equal ones, are decoded on their own.
    const copy = decodeAnswer(new Uint8Array(r.bytes));
    expect(copy.ok && copy.message).not.toBe(r.message);
    expect(copy.ok && copy.message).toEqual(r.message);
  });

  it("sends RD, CD and DO as asked", async () => {
    server = await startTestDnsServer((q) => ({ send: [answerWith(q, {})] }));
    await exchange(transport, server.address, question, {
      ...base,
      rd: false,
      cd: true,
      dnssecOk: true,
    });
    const q = dnsPacket.decode(Buffer.from(server.received[0]!.bytes));
    expect([q.flag_rd, q.flag_cd]).toEqual([false, true]);
    expect(q.additionals?.[0]).toMatchObject({ type: "OPT", flag_do: true });
  });

  it("skips an answer with the wrong ID and takes the right one after it", async () => {
    server = await startTestDnsServer((q) => {
      const id = dnsPacket.decode(Buffer.from(q)).id!;
      return {
        send: [
          answerWith(q, { id: id ^ 0xffff, address: "198.51.100.66" }),
          answerWith(q, { address: "192.0.2.1" }),
        ],
      };
    });
    const r = await exchange(transport, server.address, question, base);
    expect(r.ok && [...r.message.answer[0]!.rdata]).toEqual([192, 0, 2, 1]);
  });

  it("never takes an answer to another question, nor one with QR clear", async () => {
    for (const shape of [{ name: "evil.example" }, { qr: false }]) {
      server = await startTestDnsServer((q) => ({
        send: [answerWith(q, { ...shape, address: "198.51.100.66" })],
      }));
      const r = await exchange(transport, server.address, question, { ...base, timeoutMs: 200 });
      expect(r).toMatchObject({ ok: false, error: "mismatch" });
      await server.close();
      server = undefined;
    }
  });

  it("compares the question name without case (RFC 4343)", async () => {
    server = await startTestDnsServer((q) => ({ send: [answerWith(q, { name: "WwW.ExAmPlE" })] }));
    const r = await exchange(transport, server.address, question, base);
    expect(r.ok && nameToText(r.message.question[0]!.name)).toBe("WwW.ExAmPlE.");
  });

  it("reports an answer with our ID that cannot be decoded as malformed", async () => {
    server = await startTestDnsServer((q) => {
      // Header with our ID and QR, promising an answer record that is not there.
      const bad = Uint8Array.from([q[0]!, q[1]!, 0x81, 0x80, 0, 0, 0, 1, 0, 0, 0, 0]);
      return { send: [bad] };
    });
    const r = await exchange(transport, server.address, question, { ...base, timeoutMs: 200 });
    expect(r).toMatchObject({ ok: false, error: "malformed" });
  });
});

describe("truncation (RFC 7766 §5)", () => {
  it("asks again over TCP when the UDP answer has TC set", async () => {
    server = await startTestDnsServer((q, proto) => ({
      send: [
        proto === "udp" ? answerWith(q, { tc: true }) : answerWith(q, { address: "192.0.2.53" }),
      ],
    }));
    const r = await exchange(transport, server.address, question, base);
    expect(server.received.map((x) => x.proto)).toEqual(["udp", "tcp"]);
    expect(r.ok && r.tcp).toBe(true);
    expect(r.ok && [...r.message.answer[0]!.rdata]).toEqual([192, 0, 2, 53]);
  });

  it("moves to TCP even when the truncated answer is cut inside a record", async () => {
    server = await startTestDnsServer((q, proto) => {
      if (proto === "tcp") return { send: [answerWith(q, { address: "192.0.2.54" })] };
      const full = answerWith(q, { tc: true, address: "192.0.2.54" });
      return { send: [full.subarray(0, full.length - 3)] };
    });
    const r = await exchange(transport, server.address, question, base);
    expect(r.ok && r.tcp).toBe(true);
  });

  it("starts over TCP when asked to", async () => {
    server = await startTestDnsServer((q) => ({ send: [answerWith(q, {})] }));
    const r = await exchange(transport, server.address, question, { ...base, tcp: true });
    expect(server.received.map((x) => x.proto)).toEqual(["tcp"]);
    expect(r.ok && r.tcp).toBe(true);
  });
});

describe("retries and failures", () => {
  it("retries after a timeout with a fresh ID each time, then reports the timeout", async () => {
    server = await startTestDnsServer(() => "silent");
    const r = await exchange(transport, server.address, question, {
      ...base,
      timeoutMs: 100,
      retries: 2,
      random: idSequence(11, 22, 33),
    });
    expect(r).toMatchObject({ ok: false, error: "timeout" });
    expect(idsSeen(server)).toEqual([11, 22, 33]);
  });

  it("succeeds on a retry when the first query goes unanswered", async () => {
    let n = 0;
    server = await startTestDnsServer((q) =>
      n++ === 0 ? "silent" : { send: [answerWith(q, {})] },
    );
    const r = await exchange(transport, server.address, question, {
      ...base,
      timeoutMs: 150,
      retries: 1,
    });
    expect(r.ok).toBe(true);
    expect(server.received.length).toBe(2);
  });

  it("returns refused for a closed port instead of throwing", async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    for (const tcp of [false, true]) {
      const r = await exchange(transport, { address: "127.0.0.1", port }, question, {
        ...base,
        tcp,
      });
      expect(r).toMatchObject({ ok: false, error: "refused" });
    }
  });
});
