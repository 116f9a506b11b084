/**
 * A worker thread of the zone verifier's pool (zone-verifier-parallel.ts):
 * takes chunks of packed RRset jobs until none is left, writes each job's
 * security into the shared results, and sends back the failures it found.
 */
import { parentPort } from "node:worker_threads";
import type { Rr } from "../dns/rr.js";
import { checkJob, type ZoneFailure } from "./zone-verifier.js";
import { CHUNK, claimChunk, jobCount, unpackJob } from "./zone-verifier-jobs.js";
import { SECURITY_CODE, type PoolTask } from "./zone-verifier-parallel.js";

if (!parentPort) throw new Error("zone-verifier-worker runs in a worker thread");
const port = parentPort;

port.on("message", (task: PoolTask) => {
  const count = jobCount(task.jobs);
  const counter = new Int32Array(task.counter);
  const results = new Uint8Array(task.results);
  const zoneKeys: Rr[] = task.zoneKeys;
  const failures: [number, ZoneFailure[]][] = [];
  for (let first = claimChunk(counter, count); first >= 0; first = claimChunk(counter, count)) {
    for (let i = first; i < Math.min(first + CHUNK, count); i++) {
      const r = checkJob(unpackJob(task.jobs, i), zoneKeys, task);
      results[i] = SECURITY_CODE[r.security];
      if (r.failures.length > 0) failures.push([i, r.failures]);
    }
  }
  port.postMessage(failures);
});
