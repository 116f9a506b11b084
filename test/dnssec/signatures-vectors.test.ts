/**
 * Published signature vectors: dnspython's test_dnssec.py cases, miekg/dns
 * (RFC 6605 and RFC 8080 examples, real miek.nl data) and the RFC 5702
 * examples, checked with verifyRrset at the times their sources use.
 */
import { describe, expect, it } from "vitest";
import { groupRrsets } from "../../src/dns/canonical.js";
import { parseName, type Name } from "../../src/dns/name.js";
import { RrType, type Rr } from "../../src/dns/rr.js";
import { verifyRrset, type RrsetVerdict } from "../../src/dnssec/rrsig.js";
import { parseRrsig } from "../../src/dnssec/rdata.js";
import {
  fixture,
  record,
  records,
  timeOf,
  vectorCases,
  type VectorCase,
} from "./signatures-support.js";

function check(keys: Rr[], data: Rr[], now: number): RrsetVerdict {
  const groups = groupRrsets(data);
  expect(groups).toHaveLength(1);
  const { rrset, rrsigs } = groups[0]!;
  return verifyRrset(rrset!, rrsigs, keys, { zone: keys[0]!.owner, now });
}

const dnspython = vectorCases(fixture("vectors/dnspython_test_dnssec.vectors.txt"));

function dnspythonCase(name: string): VectorCase {
  const c = dnspython.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c;
}

function runDnspython(c: VectorCase): RrsetVerdict {
  const origin: Name | undefined = c.comments.some((l) => l.includes("origin dnspython.org."))
    ? parseName("dnspython.org.")
    : undefined;
  const keys = records(c.sections.get("keys")!.join("\n"), origin);
  const data = records(
    [...c.sections.get("rrset")!, ...c.sections.get("rrsig")!].join("\n"),
    origin,
  );
  const now = Number(/^(\d+)/.exec(c.fields.get("time")!)![1]);
  return check(keys, data, now);
}

describe("RFC 4035 §5.3: dnspython test_dnssec.py vectors", () => {
  const supportedValid = [
    "rsasha1-good",
    "rsasha1-dup-keytag",
    "rsasha1-relative-good",
    "ecdsap256-good",
    "ecdsap384-good",
    "ed25519-rfc8080-ex1-good",
    "ed25519-rfc8080-ex2-good",
    "ed448-rfc8080-ex1-good",
    "ed448-rfc8080-ex2-good",
    "rsasha512-good",
  ];
  it.each(supportedValid)("%s: the RRset is secure, as the vector expects VALID", (name) => {
    const c = dnspythonCase(name);
    expect(c.fields.get("expect")).toBe("VALID");
    expect(runDnspython(c).security).toBe("secure");
  });

  const badData = [
    "rsasha1-bad-data",
    "ecdsap256-bad-data",
    "ecdsap384-bad-data",
    "ed25519-ex1-bad-data",
    "ed448-ex1-bad-data",
  ];
  it.each(badData)("%s: altered data is bogus, the signature does not verify", (name) => {
    const c = dnspythonCase(name);
    expect(c.fields.get("expect")).toBe("INVALID");
    const v = runDnspython(c);
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("signature-invalid");
  });

  it("ed448-ex1-not-yet-valid: one second before inception the signature is not yet valid", () => {
    const v = runDnspython(dnspythonCase("ed448-ex1-not-yet-valid"));
    expect(v.security).toBe("bogus");
    expect(v.reason).toMatchObject({ kind: "signature-not-yet-valid", inception: 1438207200 });
  });

  it("ed448-ex1-expired: one second after expiration the signature has expired", () => {
    const v = runDnspython(dnspythonCase("ed448-ex1-expired"));
    expect(v.security).toBe("bogus");
    expect(v.reason).toMatchObject({ kind: "signature-expired", expiration: 1440021600 });
  });

  // RFC 8624 §3.1: RSAMD5 and DSA MUST NOT be validated; GOST and unknown
  // numbers are not implemented. A zone signed only with them is insecure.
  it.each(["dsa-good", "dsa-bad-data", "rsamd5-good", "unknown-alg-100", "fake-gost-12"])(
    "%s: an RRset signed only with an unsupported algorithm is insecure, not bogus",
    (name) => {
      const v = runDnspython(dnspythonCase(name));
      expect(v.security).toBe("insecure");
      expect(v.reason?.kind).toBe("unsupported-algorithm");
    },
  );

  describe("RFC 4035 §5.3.2: wildcard expansion (wildcard-txt-*)", () => {
    const c = dnspythonCase("wildcard-txt-expansions");
    const [keys] = [records(c.sections.get("keys")!.join("\n"))];
    const [txt, sig] = records(c.sections.get("rrset/rrsig template")!.join("\n")) as [Rr, Rr];
    const now = Number(/^(\d+)/.exec(c.fields.get("time")!)![1]);
    const at = (owner: string, rrsig: Rr = sig): RrsetVerdict => {
      const name = parseName(owner);
      return check(
        keys,
        [
          { ...txt, owner: name },
          { ...rrsig, owner: name },
        ],
        now,
      );
    };
    const withLabels = (labels: number): Rr => {
      const rdata = Uint8Array.from(sig.rdata);
      rdata[3] = labels;
      return { ...sig, rdata };
    };

    it("the wildcard owner itself validates and is not an expansion", () => {
      const v = runDnspython(dnspythonCase("wildcard-txt-direct"));
      expect(v.security).toBe("secure");
      expect(v.wildcard).toBeUndefined();
    });

    it("a.example.com validates as an expansion of *.example.com", () => {
      const v = at("a.example.com.");
      expect(v.security).toBe("secure");
      expect(v.wildcard?.sourceOfSynthesis).toEqual(parseName("*.example.com."));
      expect(v.wildcard?.closestEncloser).toEqual(parseName("example.com."));
      expect(v.wildcard?.nextCloser).toEqual(parseName("a.example.com."));
    });

    it("a.b.c.example.com validates, the next closer name being c.example.com", () => {
      const v = at("a.b.c.example.com.");
      expect(v.security).toBe("secure");
      expect(v.wildcard?.nextCloser).toEqual(parseName("c.example.com."));
    });

    it("com. has fewer labels than the RRSIG Labels field: bogus", () => {
      // The signer example.com. is not an ancestor of com. either; both make it bogus.
      expect(at("com.").security).toBe("bogus");
    });

    it.each([99, 3, 1])("a.example.com with RRSIG labels %i is bogus", (labels) => {
      const v = at("a.example.com.", withLabels(labels));
      expect(v.security).toBe("bogus");
      // a.example.com has 3 labels: above that the field is impossible, below it the signed data differs.
      expect(v.reason?.kind).toBe(labels > 3 ? "labels-mismatch" : "signature-invalid");
    });
  });
});

const miekg = vectorCases(fixture("vectors/miekg_dns_dnssec_test.vectors.txt"));

describe("RFC 6605 §6, RFC 8080 §6, RFC 5702: miekg/dns vectors", () => {
  it.each(miekg.map((c) => [c.name, c] as const))("%s: the RRSIG is valid", (_name, c) => {
    expect(c.tail + c.fields.get("expect")).toMatch(/VALID/);
    const key = record(c.fields.get("dnskey")!);
    const data = [record(c.fields.get("rrset")!), record(c.fields.get("rrsig")!)];
    // The vectors give no time: check one second after inception and one
    // second before expiration, both inside the window.
    const sig = parseRrsig(data[1]!.rdata)!;
    for (const now of [sig.inception + 1, sig.expiration - 1]) {
      const v = check([key], data, now);
      expect(v.security).toBe("secure");
      expect(v.signature?.keyTag).toBe(sig.keyTag);
    }
  });
});

describe("RFC 5702 §6: RSA/SHA-256 and RSA/SHA-512 examples", () => {
  const cases = vectorCases(fixture("vectors/rfc5702_rsasha2.vectors.txt"));
  // The times unbound verifies them at (file header).
  const times: Record<string, string> = {
    "rfc5702-6.1-rsasha256": "20090101000000",
    "rfc5702-6.2-rsasha512": "20070829144150",
  };
  it.each(cases.map((c) => [c.name, c] as const))("%s is secure", (name, c) => {
    expect(c.fields.get("expect")).toBe("VALID");
    const key = record(c.fields.get("dnskey")!);
    const data = [record(c.fields.get("rrset")!), record(c.fields.get("rrsig")!)];
    const v = check([key], data, timeOf(times[name]!));
    expect(v.security).toBe("secure");
    expect(v.signature?.dnskey.type).toBe(RrType.DNSKEY);
  });
});
