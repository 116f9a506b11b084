/**
 * A zone's signature checks with the cryptography taken apart, so that it
 * can run on several threads: every RRSIG that passes the checks of
 * RFC 4035 §5.3.1 (in the order rrsig.ts makes them) becomes a task of
 * algorithm, key, signed data (RFC 4035 §5.3.2) and signature, either
 * packed into shared memory, where this thread and workers
 * (zone-verifier-crypto-pool.ts) verify tasks side by side, or handed to a TaskSink as soon as it is made
 * (zone-verifier-async.ts verifies them on libuv's thread pool meanwhile).
 *
 * An RRset is secure here only when every one of its RRSIGs passed those
 * checks and verified with the first DNSKEY its key tag and algorithm point
 * to: exactly the case where checkJob (zone-verifier.ts) finds it secure
 * with no failure. Every other RRset (a check that fails, a signature that
 * does not verify, a revoked or non-zone key, colliding key tags that need
 * another candidate) is verified again by checkJob, which gives the reasons.
 * The report is therefore the one checkJob alone would give.
 */
import { canonicalRrset } from "../dns/canonical.js";
import { isSubdomain, nameEquals } from "../dns/name.js";
import { RrType, type Rr } from "../dns/rr.js";
import { isSupportedAlgorithm } from "./algorithms.js";
import { keyTag } from "./keytag.js";
import { parseDnskey, parseRrsig, type Dnskey, type Rrsig } from "./rdata.js";
import { checkSignatureWindow } from "./serial-time.js";
import { buildSignedData, ownerLabelCount } from "./signed-data.js";
import { checkJob, type JobResult, type ZonePlan } from "./zone-verifier.js";
import type { SignatureTasks } from "./zone-verifier-tasks.js";

export interface PreparedZone {
  /**
   * The tasks packed into shared memory; empty (count 0) when they went to
   * a TaskSink instead.
   */
  tasks: SignatureTasks;
  /** How many tasks were made, packed or sent to the sink. */
  count: number;
  /** Per job, its first task, or -1 when checkJob must verify it. */
  firstTask: Int32Array;
  /** Per job, how many tasks (its RRSIGs). */
  taskCount: Int32Array;
}

/** A DNSKEY of the zone with its key tag (RFC 4034 Appendix B). */
export interface ZoneKey {
  tag: number;
  key: Dnskey;
  rr: Rr;
}

/** The DNSKEY an RRSIG's key tag and algorithm point to first, as rrsig.ts tries them. */
function firstCandidate(
  keys: readonly ZoneKey[],
  tag: number,
  algorithm: number,
  cls: number,
  signer: Uint8Array,
): number {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (k.tag !== tag || k.key.algorithm !== algorithm) continue;
    if (k.rr.class !== cls || !nameEquals(k.rr.owner, signer)) continue;
    return i;
  }
  return -1;
}

/** The zone's DNSKEYs (key indexes of the tasks are indexes here), in plan.zoneKeys order. */
export function zoneKeys(plan: ZonePlan): ZoneKey[] {
  const keys: ZoneKey[] = [];
  for (const rr of plan.zoneKeys) {
    const key = rr.type === RrType.DNSKEY ? parseDnskey(rr.rdata) : undefined;
    if (key) keys.push({ tag: keyTag(rr.rdata), key, rr });
  }
  return keys;
}

/**
 * Where tasks go as they are made, instead of into shared memory: task
 * numbers count up from 0, `key` indexes the keys the tasks were made with.
 */
export interface TaskSink {
  submit(
    task: number,
    algorithm: number,
    key: number,
    data: Uint8Array,
    signature: Uint8Array,
  ): void;
}

interface Found {
  algorithm: number;
  key: number;
  data: Uint8Array;
  signature: Uint8Array;
}

/**
 * Checks every RRSIG of the plan up to the cryptography. With a sink, each
 * task goes to it as soon as it is made (the sink may start verifying at
 * once; `keys` must then be the zoneKeys the sink was given); without one
 * the tasks are packed into shared memory.
 */
export function prepareSignatures(
  plan: ZonePlan,
  sink?: TaskSink,
  keys: readonly ZoneKey[] = zoneKeys(plan),
): PreparedZone {
  const jobs = plan.jobs;
  const firstTask = new Int32Array(jobs.length).fill(-1);
  const taskCount = new Int32Array(jobs.length);
  const found: Found[] = [];
  let count = 0;
  let size = 0;
  const checked: { sig: Rrsig; key: number }[] = [];
  for (let j = 0; j < jobs.length && plan.signed; j++) {
    const { rrset, rrsigs } = jobs[j]!;
    if (rrsigs.length === 0) continue;
    checked.length = 0;
    for (const rr of rrsigs) {
      // RFC 4035 §5.3.1, in rrsig.ts's order; anything unusual goes to checkJob.
      const sig = parseRrsig(rr.rdata);
      if (
        !sig ||
        sig.typeCovered !== rrset.type ||
        !nameEquals(sig.signer, plan.origin) ||
        !isSubdomain(rrset.owner, sig.signer) ||
        sig.labels > ownerLabelCount(rrset.owner) ||
        !isSupportedAlgorithm(sig.algorithm) ||
        checkSignatureWindow(sig.inception, sig.expiration, plan.now).status !== "valid"
      ) {
        break;
      }
      const k = firstCandidate(keys, sig.keyTag, sig.algorithm, rrset.class, sig.signer);
      const key = k >= 0 ? keys[k]!.key : undefined;
      // RFC 4034 §2.1.1-2, RFC 5011 §2.1: a zone key, protocol 3, not revoked.
      if (!key || !key.isZoneKey || key.protocol !== 3 || key.isRevoked) break;
      checked.push({ sig, key: k });
    }
    if (checked.length < rrsigs.length) continue;
    const canonical = canonicalRrset(rrset);
    if (!canonical) continue;
    firstTask[j] = count;
    taskCount[j] = rrsigs.length;
    for (const { sig, key } of checked) {
      const data = buildSignedData(sig, canonical);
      if (sink) {
        sink.submit(count, sig.algorithm, key, data, sig.signature);
      } else {
        found.push({ algorithm: sig.algorithm, key, data, signature: sig.signature });
        size += data.length + sig.signature.length;
      }
      count++;
    }
  }
  return { tasks: packTasks(found, size, keys), count, firstTask, taskCount };
}

function packTasks(found: Found[], size: number, keys: readonly ZoneKey[]): SignatureTasks {
  const meta = new SharedArrayBuffer(found.length * 5 * 4);
  const bytes = new SharedArrayBuffer(size);
  const m = new Int32Array(meta);
  const b = new Uint8Array(bytes);
  let at = 0;
  for (let t = 0; t < found.length; t++) {
    const f = found[t]!;
    b.set(f.data, at);
    b.set(f.signature, at + f.data.length);
    m.set([f.algorithm, f.key, at, f.data.length, f.signature.length], t * 5);
    at += f.data.length + f.signature.length;
  }
  return { count: found.length, meta, bytes, keys: keys.map((k) => k.key.publicKey) };
}

/**
 * Each job's result from the task verdicts: secure when all its tasks
 * verified, checkJob's answer otherwise (and for every job without tasks).
 */
export function jobResults(
  plan: ZonePlan,
  prepared: PreparedZone,
  verdicts: Uint8Array,
): JobResult[] {
  const results: JobResult[] = new Array<JobResult>(plan.jobs.length);
  for (let j = 0; j < plan.jobs.length; j++) {
    const first = prepared.firstTask[j]!;
    let secure = first >= 0;
    for (let t = first; secure && t < first + prepared.taskCount[j]!; t++) {
      secure = verdicts[t] === 1;
    }
    results[j] = secure
      ? { security: "secure", failures: [] }
      : checkJob(plan.jobs[j]!, plan.zoneKeys, plan);
  }
  return results;
}
