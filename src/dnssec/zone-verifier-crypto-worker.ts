/**
 * A worker thread for zone-verifier-crypto.ts (zone-verifier-tasks.ts): verifies chunks of signature
 * tasks until none is left, then says how many it did. It loads only the
 * task reader and node:crypto, so that it is ready soon after it starts.
 */
import { parentPort } from "node:worker_threads";
import { verifyTasks, type CryptoJob } from "./zone-verifier-tasks.js";

if (!parentPort) throw new Error("zone-verifier-crypto-worker runs in a worker thread");
const port = parentPort;

port.on("message", (job: CryptoJob) => {
  port.postMessage(verifyTasks(job));
});
