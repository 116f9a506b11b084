/**
 * Transports the probe engine puts in front of the evidence gatherer.
 *
 * `VantageTransport` turns a recursive resolver into the one server of every
 * zone: each query the gatherer sends is re-addressed to the vantage with RD
 * and CD set (RFC 4035 §3.2.2: CD=1 asks for the data without the
 * resolver's own validation). The gatherer then validates the resolver's
 * answers from the trust anchor down, the DS and DNSKEY RRsets of each zone
 * cut fetched through the same resolver: a chain along that vantage's path.
 *
 * `KeyTap` wraps a transport and notes the key tags of the DNSKEY and DS
 * records that come back for one zone (DS records also from the authority
 * section of referrals), for the observation's `keyTags`; records of steps
 * taken from the round's key cache are handed to it by the gatherer.
 */
import { decodeAnswer } from "../dns/exchange.js";
import { nameEquals, type Name } from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";
import type { SendOptions, ServerAddress, Transport, TransportResult } from "../dns/transport.js";
import { keyTag } from "../dnssec/keytag.js";
import { parseDs } from "../dnssec/rdata.js";

const HEADER_FLAGS_HIGH = 2;
const HEADER_FLAGS_LOW = 3;
const RD_BIT = 0x01; // in the high flags octet (RFC 1035 §4.1.1)
const CD_BIT = 0x10; // in the low flags octet (RFC 4035 §3.2.2)

export class VantageTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly vantage: ServerAddress,
    private readonly tcp: boolean,
  ) {}

  send(_server: ServerAddress, query: Uint8Array, opts: SendOptions): Promise<TransportResult> {
    const q = new Uint8Array(query);
    if (q.length < 12) throw new RangeError("query shorter than a DNS header");
    q[HEADER_FLAGS_HIGH] = q[HEADER_FLAGS_HIGH]! | RD_BIT;
    q[HEADER_FLAGS_LOW] = q[HEADER_FLAGS_LOW]! | CD_BIT;
    return this.inner.send(this.vantage, q, { ...opts, tcp: opts.tcp || this.tcp });
  }
}

export class KeyTap implements Transport {
  readonly dnskey = new Set<number>();
  readonly ds = new Set<number>();

  constructor(
    private readonly inner: Transport,
    private readonly zone: Name,
  ) {}

  async send(
    server: ServerAddress,
    query: Uint8Array,
    opts: SendOptions,
  ): Promise<TransportResult> {
    const r = await this.inner.send(server, query, opts);
    if (r.ok) this.#note(r.bytes);
    return r;
  }

  #note(bytes: Uint8Array): void {
    const d = decodeAnswer(bytes);
    if (!d.ok) return;
    this.noteRecords(d.message.answer);
    this.noteRecords(d.message.authority);
  }

  /** Notes records that came back earlier in the round (a step taken from the key cache). */
  noteRecords(records: readonly Rr[]): void {
    for (const rr of records) {
      if (rr.type !== RrType.DNSKEY && rr.type !== RrType.DS) continue;
      if (!nameEquals(rr.owner, this.zone)) continue;
      if (rr.type === RrType.DNSKEY) this.dnskey.add(keyTag(rr.rdata));
      else {
        const ds = parseDs(rr.rdata);
        if (ds) this.ds.add(ds.keyTag);
      }
    }
  }

  tags(): { dnskey: number[]; ds: number[] } {
    const sorted = (s: Set<number>) => [...s].sort((a, b) => a - b);
    return { dnskey: sorted(this.dnskey), ds: sorted(this.ds) };
  }
}
