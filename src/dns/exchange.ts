/**
 * One question to one server, the way a careful stub does it: a random
 * message ID, UDP first, TCP when the answer comes back truncated, retries
 * when nothing comes back, and only an answer that matches the query is ever
 * taken (RFC 5452 §9.1: same ID, same question, from the address and port
 * queried; the transport checks the last two).
 */
import { randomInt } from "node:crypto";
import type { Name } from "./name.js";
import { nameEquals } from "./name.js";
import { RrClass } from "./rr.js";
import {
  decodeHeader,
  decodeMessage,
  encodeQuery,
  type DecodeResult,
  type Message,
  type Question,
} from "./message.js";
import type { ServerAddress, Transport, TransportError } from "./transport.js";

export interface ExchangeQuestion {
  name: Name;
  type: number;
  /** Default IN. */
  class?: number;
}

export interface ExchangeOptions {
  rd: boolean;
  cd: boolean;
  dnssecOk: boolean;
  /** Per attempt and per transport. */
  timeoutMs: number;
  /** Further attempts after a timeout or only mismatched answers, each with a fresh ID. */
  retries: number;
  /** Start over TCP instead of UDP. */
  tcp?: boolean;
  /** Advertised UDP payload size; default that of encodeQuery. */
  udpSize?: number;
  /** Uniform in [0, 1), for the message ID; default crypto.randomInt. */
  random?: () => number;
}

/**
 * `mismatch`: answers came back but none was for this query (wrong ID or
 * question, QR clear); `malformed`: an answer with our ID could not be
 * decoded.
 */
export type ExchangeError = TransportError | "mismatch";

export type ExchangeResult =
  | { ok: true; message: Message; bytes: Uint8Array; rttMs: number; tcp: boolean }
  | { ok: false; error: ExchangeError; message: string };

// Each answer is decoded once: to check it against the query, then by
// whoever reads it (exchange's caller, a transport wrapper that looks into
// the answers). Decoded messages are shared and must not be changed.
const decodedAnswers = new WeakMap<Uint8Array, DecodeResult>();

/** decodeMessage, memoized per byte array: an answer's bytes are decoded at most once. */
export function decodeAnswer(bytes: Uint8Array): DecodeResult {
  let decoded = decodedAnswers.get(bytes);
  if (!decoded) {
    decoded = decodeMessage(bytes);
    decodedAnswers.set(bytes, decoded);
  }
  return decoded;
}

/**
 * Why `bytes` is not the answer to the query with this ID and question, or
 * undefined when it is.
 */
export function responseMismatch(
  bytes: Uint8Array,
  id: number,
  question: Question,
): "malformed" | "mismatch" | undefined {
  const header = decodeHeader(bytes);
  if (!header || header.id !== id || !header.flags.qr) return "mismatch";
  const decoded = decodeAnswer(bytes);
  if (!decoded.ok) return "malformed";
  // RFC 5452 §9.1: the question must be ours (names compared without case, RFC 4343).
  const q = decoded.message.question;
  if (q.length !== 1) return "mismatch";
  const got = q[0]!;
  if (got.type !== question.type || got.class !== question.class) return "mismatch";
  return nameEquals(got.name, question.name) ? undefined : "mismatch";
}

function newId(random?: () => number): number {
  if (!random) return randomInt(0x10000);
  return Math.floor(random() * 0x10000) & 0xffff;
}

export async function exchange(
  transport: Transport,
  server: ServerAddress,
  question: ExchangeQuestion,
  options: ExchangeOptions,
): Promise<ExchangeResult> {
  if (!Number.isInteger(options.retries) || options.retries < 0) {
    throw new RangeError(`bad retries: ${options.retries}`);
  }
  const q: Question = {
    name: question.name,
    type: question.type,
    class: question.class ?? RrClass.IN,
  };
  let last: ExchangeResult = { ok: false, error: "timeout", message: "no attempt made" };
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    const id = newId(options.random);
    const query = encodeQuery({
      id,
      name: q.name,
      type: q.type,
      class: q.class,
      rd: options.rd,
      cd: options.cd,
      dnssecOk: options.dnssecOk,
      ...(options.udpSize !== undefined ? { udpSize: options.udpSize } : {}),
    });
    last = await attemptOnce(transport, server, query, id, q, options);
    if (last.ok || (last.error !== "timeout" && last.error !== "mismatch")) return last;
  }
  return last;
}

async function attemptOnce(
  transport: Transport,
  server: ServerAddress,
  query: Uint8Array,
  id: number,
  q: Question,
  options: ExchangeOptions,
): Promise<ExchangeResult> {
  let tcp = options.tcp ?? false;
  while (true) {
    const seen = { mismatch: 0, malformed: 0 };
    const accept = (bytes: Uint8Array): boolean => {
      const why = responseMismatch(bytes, id, q);
      if (why === undefined) return true;
      // A truncated UDP answer may be cut inside a record; with our ID and QR
      // set, its TC bit is enough to move to TCP (at worst, one TCP query more).
      const h = decodeHeader(bytes);
      if (!tcp && why === "malformed" && h?.flags.tc) return true;
      seen[why]++;
      return false;
    };
    const sent = await transport.send(server, query, { tcp, timeoutMs: options.timeoutMs, accept });
    if (!sent.ok) {
      if (sent.error === "timeout" && seen.malformed > 0) {
        return { ok: false, error: "malformed", message: `undecodable answer with ID ${id}` };
      }
      if (sent.error === "timeout" && seen.mismatch > 0) {
        return {
          ok: false,
          error: "mismatch",
          message: `${seen.mismatch} answer(s) ignored: wrong ID, question or QR bit`,
        };
      }
      return sent;
    }
    const header = decodeHeader(sent.bytes);
    // RFC 7766 §5 / RFC 1035 §4.2.1: a truncated UDP answer is asked again over TCP.
    if (!tcp && header?.flags.tc) {
      tcp = true;
      continue;
    }
    const decoded = decodeAnswer(sent.bytes);
    if (!decoded.ok) return { ok: false, error: "malformed", message: decoded.error };
    return { ok: true, message: decoded.message, bytes: sent.bytes, rttMs: sent.rttMs, tcp };
  }
}
