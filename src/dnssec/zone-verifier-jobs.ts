/**
 * RRset jobs packed into one shared buffer, so that worker threads can read
 * them without a copy, and a claim counter through which the threads share
 * them out in chunks (whoever is free takes the next chunk).
 *
 * Layout: u32 job count, then one u32 offset per job, then the jobs; each
 * job is owner (u8 length, bytes), type u16, class u16, TTL u32, then the
 * RDATAs and the RRSIG RDATAs, each list a u16 count of (u16 length, bytes).
 */
import { RrType, type Rr } from "../dns/rr.js";
import type { RrsetJob } from "./zone-verifier.js";

/** Jobs claimed at a time: small enough to balance, large enough to keep claims rare. */
export const CHUNK = 32;

export function packJobs(jobs: readonly RrsetJob[]): SharedArrayBuffer {
  let size = 4 + 4 * jobs.length;
  for (const { rrset, rrsigs } of jobs) {
    size += 1 + rrset.owner.length + 8 + 2 + 2;
    for (const r of rrset.rdatas) size += 2 + r.length;
    for (const s of rrsigs) size += 2 + s.rdata.length;
  }
  const buffer = new SharedArrayBuffer(size);
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  view.setUint32(0, jobs.length);
  let at = 4 + 4 * jobs.length;
  const list = (items: readonly Uint8Array[]): void => {
    view.setUint16(at, items.length);
    at += 2;
    for (const item of items) {
      view.setUint16(at, item.length);
      bytes.set(item, at + 2);
      at += 2 + item.length;
    }
  };
  for (let i = 0; i < jobs.length; i++) {
    const { rrset, rrsigs } = jobs[i]!;
    view.setUint32(4 + 4 * i, at);
    bytes[at] = rrset.owner.length;
    bytes.set(rrset.owner, at + 1);
    at += 1 + rrset.owner.length;
    view.setUint16(at, rrset.type);
    view.setUint16(at + 2, rrset.class);
    view.setUint32(at + 4, rrset.ttl);
    at += 8;
    list(rrset.rdatas);
    list(rrsigs.map((s) => s.rdata));
  }
  return buffer;
}

export function jobCount(buffer: SharedArrayBuffer): number {
  return new DataView(buffer).getUint32(0);
}

/** Job `index` of a packed buffer; RDATAs are views into the buffer. */
export function unpackJob(buffer: SharedArrayBuffer, index: number): RrsetJob {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  let at = view.getUint32(4 + 4 * index);
  const ownerLength = bytes[at]!;
  const owner = bytes.subarray(at + 1, at + 1 + ownerLength);
  at += 1 + ownerLength;
  const type = view.getUint16(at);
  const cls = view.getUint16(at + 2);
  const ttl = view.getUint32(at + 4);
  at += 8;
  const list = (): Uint8Array[] => {
    const n = view.getUint16(at);
    at += 2;
    const items: Uint8Array[] = [];
    for (let k = 0; k < n; k++) {
      const len = view.getUint16(at);
      items.push(bytes.subarray(at + 2, at + 2 + len));
      at += 2 + len;
    }
    return items;
  };
  const rdatas = list();
  const rrsigs: Rr[] = list().map((rdata) => ({
    owner,
    type: RrType.RRSIG,
    class: cls,
    ttl,
    rdata,
  }));
  return { rrset: { owner, type, class: cls, ttl, rdatas }, rrsigs };
}

/** Claims the next chunk of jobs: the index of its first job, or -1 when none is left. */
export function claimChunk(counter: Int32Array, count: number): number {
  const first = Atomics.add(counter, 0, 1) * CHUNK;
  return first < count ? first : -1;
}
