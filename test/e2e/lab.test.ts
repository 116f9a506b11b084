/**
 * The end-to-end lab itself: a healthy lab validates on all four resolvers,
 * each break (lab/SCENARIOS.md) fails validation the way it states, and heal
 * brings every resolver back to AD. Answers are read with dig.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dig, rdataOf, type DigResult } from "./lab-dig.js";
import {
  breakZone,
  describeLab,
  heal,
  lab,
  labSh,
  LAB_START_TIMEOUT_MS,
  LAB_STEP_TIMEOUT_MS,
  LAB_STOP_TIMEOUT_MS,
  startLab,
  stopLab,
  type Scenario,
} from "./lab.js";

const RESOLVERS = lab.resolvers.map((r) => r.name);

/** The same query to every resolver, CD=0 (what users get). */
async function askAll(name: string, timeoutSeconds?: number): Promise<Record<string, DigResult>> {
  const results = await Promise.all(
    lab.resolvers.map((r) => dig(r.address, name, "A", { timeoutSeconds })),
  );
  return Object.fromEntries(lab.resolvers.map((r, i) => [r.name, results[i]!]));
}

/** "NOERROR ad", "SERVFAIL", ... per resolver: one value to compare, readable on failure. */
function outcomes(results: Record<string, DigResult>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(results).map(([name, r]) => [
      name,
      r.flags.includes("ad") ? `${r.status} ad` : r.status,
    ]),
  );
}

const every = (outcome: string): Record<string, string> =>
  Object.fromEntries(RESOLVERS.map((name) => [name, outcome]));

/** The RRSIG over www.watched. A as each TLD server serves it. */
async function rrsigPerServer(): Promise<string[]> {
  const answers = await Promise.all(
    lab.authoritative.watched.map((server) =>
      dig(server, lab.names.watched, "A", { recurse: false, timeoutSeconds: 3 }),
    ),
  );
  return answers.map((a) => rdataOf(a, "RRSIG").join("\n"));
}

describeLab("the end-to-end lab", () => {
  beforeAll(startLab, LAB_START_TIMEOUT_MS);
  afterAll(stopLab, LAB_STOP_TIMEOUT_MS);

  describe("layout", () => {
    it("lab.sh lists the same addresses as the test helper", async () => {
      const listed = (await labSh("addresses")).trim().split("\n");
      const a = lab.authoritative;
      const expected = [
        `auth root ${a.root}`,
        `auth watched1 ${a.watched[0]}`,
        `auth watched2 ${a.watched[1]}`,
        `auth watched3 ${a.watched[2]}`,
        `auth control ${a.control}`,
        `auth children ${a.children}`,
        `auth rogue ${a.rogue}`,
        ...lab.resolvers.map((r) => `resolver ${r.name} ${r.address}`),
      ];
      expect(listed).toEqual(expected);
    });

    it("lab.sh lists the scenarios the helper knows", async () => {
      const listed = (await labSh("scenarios")).trim().split("\n");
      const helper: readonly Scenario[] = [
        "expired",
        "ds-mismatch",
        "corrupt-sigs",
        "missing-rrsigs",
        "key-removed",
        "bad-nsec3-sigs",
        "partial",
        "tamper",
        "vantage-down",
      ];
      expect(listed).toEqual(helper);
    });

    it("the trust anchor is a SHA-256 DS of an algorithm 8 root key", () => {
      const ds = readFileSync(lab.trustAnchorFile, "utf8").trim();
      expect(ds).toMatch(/^\.\s+IN\s+DS\s+\d+\s+8\s+2\s+[0-9A-F]{64}$/);
    });

    it("the TLD servers are the lab root's delegation for watched.", async () => {
      const referral = await dig(lab.authoritative.root, lab.names.watched, "A", {
        recurse: false,
        timeoutSeconds: 3,
      });
      const servers = referral.authority.filter((l) => l.split(" ")[3] === "NS");
      expect(servers).toHaveLength(3);
    });
  });

  describe("a healthy lab", () => {
    it.each(RESOLVERS)(
      "%s answers www.watched. with NOERROR, AD and the lab address",
      async (name) => {
        const resolver = lab.resolvers.find((r) => r.name === name)!;
        const result = await dig(resolver.address, lab.names.watched);
        expect(result.status).toBe("NOERROR");
        expect(result.flags).toContain("ad");
        expect(rdataOf(result, "A")).toEqual([lab.addressesOf.watched]);
      },
    );

    it("every resolver validates the control zone and the signed child", async () => {
      expect(outcomes(await askAll(lab.names.control))).toEqual(every("NOERROR ad"));
      expect(outcomes(await askAll(lab.names.signedChild))).toEqual(every("NOERROR ad"));
    });

    it("every resolver answers the unsigned child without AD (RFC 4035 §4.3: insecure)", async () => {
      expect(outcomes(await askAll(lab.names.unsignedChild))).toEqual(every("NOERROR"));
    });

    it("every resolver proves nx.watched. does not exist (RFC 5155 §8.4), with AD", async () => {
      expect(outcomes(await askAll(lab.names.nxdomain))).toEqual(every("NXDOMAIN ad"));
    });

    it("the three TLD servers serve the same signature bytes", async () => {
      const [first, ...rest] = await rrsigPerServer();
      expect(first).toMatch(/^A 13 2 /);
      expect(rest).toEqual([first, first]);
    });
  });

  // Breaks that fail every name under the TLD on every resolver. The EDE
  // codes (RFC 8914) a resolver may attach: resolvers differ, BIND 9.18 gives
  // none.
  const total: [Scenario, number[]][] = [
    ["expired", [6, 7]],
    ["ds-mismatch", [6, 9]],
    ["corrupt-sigs", [6]],
    ["missing-rrsigs", [6, 10, 12]],
    ["key-removed", [6, 9]],
  ];

  describe.each(total)("break %s", (scenario, codes) => {
    beforeAll(() => breakZone(scenario), LAB_STEP_TIMEOUT_MS);

    it("every resolver answers SERVFAIL for www.watched., with an EDE code that fits", async () => {
      const results = await askAll(lab.names.watched);
      expect(outcomes(results)).toEqual(every("SERVFAIL"));
      for (const result of Object.values(results)) {
        for (const { code } of result.ede) expect(codes).toContain(code);
      }
    });

    it("the control zone still validates everywhere", async () => {
      expect(outcomes(await askAll(lab.names.control))).toEqual(every("NOERROR ad"));
    });

    it("heal brings AD back on every resolver", { timeout: LAB_STEP_TIMEOUT_MS }, async () => {
      await heal();
      expect(outcomes(await askAll(lab.names.watched))).toEqual(every("NOERROR ad"));
    });
  });

  describe("break bad-nsec3-sigs", () => {
    beforeAll(() => breakZone("bad-nsec3-sigs"), LAB_STEP_TIMEOUT_MS);

    it("existing names and the signed child still validate (their RRSIGs are intact)", async () => {
      expect(outcomes(await askAll(lab.names.watched))).toEqual(every("NOERROR ad"));
      expect(outcomes(await askAll(lab.names.signedChild))).toEqual(every("NOERROR ad"));
    });

    it("denial of existence fails: NXDOMAIN and the unsigned child's no-DS proof are SERVFAIL", async () => {
      expect(outcomes(await askAll(lab.names.nxdomain))).toEqual(every("SERVFAIL"));
      expect(outcomes(await askAll(lab.names.unsignedChild))).toEqual(every("SERVFAIL"));
    });

    it("heal brings the NXDOMAIN proof back", { timeout: LAB_STEP_TIMEOUT_MS }, async () => {
      await heal();
      expect(outcomes(await askAll(lab.names.nxdomain))).toEqual(every("NXDOMAIN ad"));
    });
  });

  describe("break partial", () => {
    beforeAll(() => breakZone("partial"), LAB_STEP_TIMEOUT_MS);

    it("two of the three TLD servers serve the same altered signature, the third the good one", async () => {
      const [one, two, three] = await rrsigPerServer();
      expect(one).not.toBe(three);
      expect(two).toBe(one);
      expect(three).toMatch(/^A 13 2 /);
    });

    it("the three servers still serve the same addresses", async () => {
      const answers = await Promise.all(
        lab.authoritative.watched.map((s) =>
          dig(s, lab.names.watched, "A", { recurse: false, timeoutSeconds: 3 }),
        ),
      );
      expect(answers.map((a) => rdataOf(a, "A"))).toEqual([
        [lab.addressesOf.watched],
        [lab.addressesOf.watched],
        [lab.addressesOf.watched],
      ]);
    });

    it("each resolver either validates (it retried the good server) or fails; none answers insecurely", async () => {
      const seen = Object.values(outcomes(await askAll(lab.names.watched)));
      for (const outcome of seen) expect(["NOERROR ad", "SERVFAIL"]).toContain(outcome);
    });

    it(
      "heal puts the good signature back on every server",
      { timeout: LAB_STEP_TIMEOUT_MS },
      async () => {
        await heal();
        const [first, ...rest] = await rrsigPerServer();
        expect(rest).toEqual([first, first]);
        expect(outcomes(await askAll(lab.names.watched))).toEqual(every("NOERROR ad"));
      },
    );
  });

  describe("break tamper", () => {
    beforeAll(() => breakZone("tamper"), LAB_STEP_TIMEOUT_MS);

    it("only Unbound, sent to the rogue server, fails; the others validate", async () => {
      expect(outcomes(await askAll(lab.names.watched))).toEqual({
        ...every("NOERROR ad"),
        unbound: "SERVFAIL",
      });
    });

    it("with CD=1 Unbound shows the rogue address, the others the real one", async () => {
      const raw = await Promise.all(
        lab.resolvers.map((r) =>
          dig(r.address, lab.names.watched, "A", { checkingDisabled: true }),
        ),
      );
      expect(raw.map((r) => rdataOf(r, "A"))).toEqual([
        [lab.addressesOf.rogueWatched],
        [lab.addressesOf.watched],
        [lab.addressesOf.watched],
        [lab.addressesOf.watched],
      ]);
    });

    it(
      "heal sends Unbound back to the real servers",
      { timeout: LAB_STEP_TIMEOUT_MS },
      async () => {
        await heal();
        expect(outcomes(await askAll(lab.names.watched))).toEqual(every("NOERROR ad"));
      },
    );
  });

  describe("break vantage-down", () => {
    beforeAll(() => breakZone("vantage-down", "pdns"), LAB_STEP_TIMEOUT_MS);

    it("the stopped resolver does not answer; the others validate", async () => {
      expect(outcomes(await askAll(lab.names.watched, 2))).toEqual({
        ...every("NOERROR ad"),
        pdns: "TIMEOUT",
      });
    });

    it("heal starts it again", { timeout: LAB_STEP_TIMEOUT_MS }, async () => {
      await heal();
      expect(outcomes(await askAll(lab.names.watched))).toEqual(every("NOERROR ad"));
    });
  });
});
