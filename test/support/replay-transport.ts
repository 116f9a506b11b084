/**
 * A Transport that answers in process from the RANGE blocks of a replay
 * scenario (see rpl.ts), the way Deckard's simulated network does: the query
 * is decoded, the ranges in force for the current step and the queried
 * address are searched in order, the first ENTRY whose MATCH elements all
 * hold is the template of the answer, adjusted as its ADJUST elements say.
 * Nothing ever leaves the process.
 *
 * No matching entry, or an entry with `do_not_answer`, is a timeout; every
 * such query is kept in `unanswered` so a failing scenario can say why.
 */
import { isIPv6 } from "node:net";
import {
  isSubdomain,
  nameEquals,
  nameKey,
  nameToText,
  ROOT,
  type Name,
} from "../../src/dns/name.js";
import {
  decodeMessage,
  encodeMessage,
  type Message,
  type Question,
} from "../../src/dns/message.js";
import type { Rr } from "../../src/dns/rr.js";
import { typeToText } from "../../src/dns/rr.js";
import type {
  SendOptions,
  ServerAddress,
  Transport,
  TransportResult,
} from "../../src/dns/transport.js";
import { parseRecord } from "../../src/dns/zonefile.js";
import type { RplEntry, RplRecordLine, RplScenario } from "./rpl.js";

/** The records of an entry's section in wire form, parsed with the zone-file reader. */
export function entryRecords(lines: readonly RplRecordLine[], origin: Name = ROOT): Rr[] {
  return lines.map((l) => {
    try {
      return parseRecord(l.text, origin, 3600);
    } catch (e) {
      // Some scenarios write deliberately unusable keys and signatures as
      // "UNUSABLE==", base64 with too much padding that Unbound's reader
      // accepts; the padding is dropped to read the same bytes.
      const unpadded = l.text.replace(/\b([A-Za-z0-9+/]{8})==$/, "$1");
      if (unpadded !== l.text) return parseRecord(unpadded, origin, 3600);
      throw new Error(`line ${l.line}: ${(e as Error).message}`, { cause: e });
    }
  });
}

/** One address in a form that compares equal however it was written. */
export function normalAddress(address: string): string {
  if (!isIPv6(address)) return address;
  // Expand "::" and drop leading zeros, so 2001:7fd::1 and 2001:07fd:0:0:0:0:0:1 agree.
  const [head, tail] = address.toLowerCase().split("::") as [string, string | undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return groups.map((g) => g.replace(/^0+(?=.)/, "")).join(":");
}

export interface ReplayQuery {
  step: number;
  server: string;
  tcp: boolean;
  question: string;
  /** Line of the ENTRY that answered; undefined when none did. */
  entryLine?: number;
}

function questionMatches(entry: RplEntry, q: Question): boolean {
  const want = entry.question[0];
  // An entry without a question matches any question on qname/qtype/subdomain.
  if (!want) return true;
  const m = entry.match;
  const all = m.has("all") || m.has("question");
  if ((m.has("qtype") || all) && want.type !== q.type) return false;
  if ((m.has("qname") || all) && !nameEquals(want.name, q.name)) return false;
  if (m.has("qcase") && nameToText(want.name) !== nameToText(q.name)) return false;
  if (m.has("subdomain") && !isSubdomain(q.name, want.name)) return false;
  return true;
}

function entryMatches(entry: RplEntry, query: Message): boolean {
  const q = query.question[0];
  if (!q) return false;
  const m = entry.match;
  if ((m.has("opcode") || m.has("all")) && entry.opcode !== query.opcode) return false;
  return questionMatches(entry, q);
}

export class ReplayTransport implements Transport {
  /** The current step id: selects the ranges in force. */
  step = 0;
  readonly log: ReplayQuery[] = [];
  readonly #scenario: RplScenario;
  readonly #answers = new Map<RplEntry, { answer: Rr[]; authority: Rr[]; additional: Rr[] }>();

  constructor(scenario: RplScenario) {
    this.#scenario = scenario;
  }

  /** Queries no entry answered, since the transport was made. */
  get unanswered(): ReplayQuery[] {
    return this.log.filter((q) => q.entryLine === undefined);
  }

  async send(
    server: ServerAddress,
    query: Uint8Array,
    opts: SendOptions,
  ): Promise<TransportResult> {
    const reply = this.answer(server, query, opts.tcp);
    if (!reply) return { ok: false, error: "timeout", message: "no answer in the scenario" };
    if (opts.accept && !opts.accept(reply)) {
      return { ok: false, error: "timeout", message: "answer not accepted" };
    }
    return { ok: true, bytes: reply, rttMs: 0 };
  }

  /** The answer bytes to one query, or undefined when the simulated server stays silent. */
  answer(server: ServerAddress, query: Uint8Array, tcp: boolean): Uint8Array | undefined {
    const decoded = decodeMessage(query);
    if (!decoded.ok) return undefined;
    const msg = decoded.message;
    const q = msg.question[0];
    const record: ReplayQuery = {
      step: this.step,
      server: server.address,
      tcp,
      question: q ? `${nameKey(q.name)} ${typeToText(q.type)}` : "(none)",
    };
    this.log.push(record);
    const address = normalAddress(server.address);
    for (const range of this.#scenario.ranges) {
      if (this.step < range.start || this.step > range.end) continue;
      if (!range.addresses.some((a) => normalAddress(a) === address)) continue;
      const entry = range.entries.find((e) => entryMatches(e, msg));
      if (!entry) continue;
      record.entryLine = entry.line;
      if (entry.adjust.has("do_not_answer")) return undefined;
      return this.#build(entry, msg);
    }
    return undefined;
  }

  #build(entry: RplEntry, query: Message): Uint8Array {
    if (entry.raw) {
      const raw = entry.raw.slice();
      if (entry.adjust.has("raw_id") && raw.length >= 2) {
        raw[0] = query.id >> 8;
        raw[1] = query.id & 0xff;
      }
      return raw;
    }
    let sections = this.#answers.get(entry);
    if (!sections) {
      sections = {
        answer: entryRecords(entry.answer),
        authority: entryRecords(entry.authority),
        additional: entryRecords(entry.additional),
      };
      this.#answers.set(entry, sections);
    }
    let question: Question[] = entry.question.map((q) => ({ ...q }));
    if (entry.adjust.has("copy_query")) {
      question = query.question.map((q) => ({ ...q }));
    } else if (entry.adjust.has("copy_id") && question[0] && query.question[0]) {
      // Deckard's copy_id also copies the query name (its documented quirk).
      question[0].name = query.question[0].name;
    }
    const copyId = entry.adjust.has("copy_id") || entry.adjust.has("copy_query");
    const { do: dnssecOk, ...flags } = entry.flags;
    return encodeMessage({
      id: copyId ? query.id : 0,
      opcode: entry.opcode,
      flags,
      rcode: entry.rcode,
      question,
      ...sections,
      ...(query.edns || entry.rcode > 15 ? { edns: { dnssecOk, udpSize: 4096, options: [] } } : {}),
    });
  }
}
