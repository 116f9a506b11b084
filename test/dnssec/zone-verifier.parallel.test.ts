/**
 * The zone verifier on several threads gives exactly what it gives on one:
 * same counts, same failures, in the same order.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../src/dns/name.js";
import type { Rr } from "../../src/dns/rr.js";
import { parseZone } from "../../src/dns/zonefile.js";
import { finishZone, planZone, verifyZone } from "../../src/dnssec/zone-verifier.js";
import { jobCount, packJobs, unpackJob } from "../../src/dnssec/zone-verifier-jobs.js";
import { VerifierPool } from "../../src/dnssec/zone-verifier-parallel.js";

const at = (iso: string): number => Date.parse(iso) / 1000;

describe("verifying the 2017 root zone on worker threads", () => {
  let records: Rr[];
  let pool: VerifierPool;
  beforeAll(() => {
    const text = readFileSync(
      new URL("../fixtures/zones/root.zone.2017082100", import.meta.url),
      "utf8",
    );
    const z = parseZone(text, { origin: ROOT });
    if (!z.ok) throw new Error(z.error.message);
    records = z.records;
    pool = new VerifierPool(2);
  });
  afterAll(() => pool.close());

  it("packs every job into shared memory and reads it back unchanged", () => {
    const plan = planZone(records, { origin: ROOT, now: at("2017-08-25T00:00:00Z") });
    const packed = packJobs(plan.jobs);
    expect(jobCount(packed)).toBe(plan.jobs.length);
    for (const i of [0, 1, 500, plan.jobs.length - 1]) {
      const job = unpackJob(packed, i);
      const original = plan.jobs[i]!;
      expect(job.rrset).toEqual({
        ...original.rrset,
        rdatas: original.rrset.rdatas.map((r) => new Uint8Array(r)),
      });
      expect(job.rrsigs.map((s) => [...s.rdata])).toEqual(original.rrsigs.map((s) => [...s.rdata]));
    }
  });

  it("reports the same as one thread when signatures have expired (2017-09-10)", async () => {
    const options = { origin: ROOT, now: at("2017-09-10T00:00:00Z") };
    const single = verifyZone(records, options);
    const plan = planZone(records, options);
    const parallel = finishZone(plan, await pool.run(plan));
    expect(parallel).toEqual(single);
    // And with the workers alone doing every job.
    expect(finishZone(plan, await pool.run(plan, { here: false }))).toEqual(single);
    expect(pool.size).toBe(2);
    expect(parallel.bogus).toBeGreaterThan(0);
  });

  it("reports the same as one thread when everything verifies (2017-08-25)", async () => {
    const options = { origin: ROOT, now: at("2017-08-25T00:00:00Z") };
    const plan = planZone(records, options);
    const parallel = finishZone(plan, await pool.run(plan));
    expect(parallel).toEqual(verifyZone(records, options));
    expect(parallel.secure).toBe(2950);
  });
});
