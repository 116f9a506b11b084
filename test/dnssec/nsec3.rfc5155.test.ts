/**
 * NSEC3 proofs against the example responses of RFC 5155 Appendix B, built
 * from the signed example zone of Appendix A. Each response's records are
 * the ones the RFC lists, picked from the zone by owner hash; the hashes of
 * the names involved come from the published vectors.
 *
 * Every NSEC3 record of that zone has the opt-out flag set, so by RFC 5155
 * §9.2 a proof that rests on a record covering the "next closer" name is
 * insecure (Unbound's replay scenarios val_nsec3_b1_nameerror, _b4_wild and
 * _b5_wcnodata expect no AD bit). The same records with the flag cleared
 * must then give a secure proof.
 */
import { describe, expect, it } from "vitest";
import { base32hexEncode } from "../../src/dns/base32hex.js";
import { RrType } from "../../src/dns/rr.js";
import {
  nsec3Hash,
  proveNameError,
  proveNoData,
  proveNoDs,
  proveWildcardAnswer,
} from "../../src/dnssec/denial.js";
import {
  EXAMPLE,
  fixture,
  loadZone,
  n,
  nsec3At,
  without,
  withoutOptOut,
} from "./denial-support.js";

const zone = loadZone("rfc5155-appendixA-example.zone.signed");
const SECURE = { security: "secure" };

/** Published hashes of the example zone's names (salt aabbccdd, 12 iterations). */
const H = new Map(
  fixture("nsec3_hash.vectors.txt")
    .split("\n")
    .filter((l) => l.includes("\taabbccdd\t12\t"))
    .map((l) => [l.split("\t")[0]!, l.split("\t")[3]!] as const),
);
const hashOf = (name: string): string => {
  const h = H.get(name);
  if (!h) throw new Error(`no published hash for ${name}`);
  return h;
};

describe("the owners RFC 5155 Appendix B names are the published hashes", () => {
  it.each(["example", "x.w.example", "ns1.example", "y.w.example", "w.example", "*.w.example"])(
    "H(%s) is the owner of an NSEC3 record of the zone",
    (name) => {
      expect(nsec3At(zone, hashOf(name))).toHaveLength(1);
      const ours = nsec3Hash(n(`${name}.`), 1, Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd), 12);
      expect(base32hexEncode(ours).toLowerCase()).toBe(hashOf(name));
    },
  );
});

describe("RFC 5155 Appendix B.1: name error for a.c.x.w.example (RFC 5155 §8.4)", () => {
  const proof = nsec3At(
    zone,
    "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", // covers the next closer name c.x.w.example
    hashOf("x.w.example"), // b4um86eg...: matches the closest encloser x.w.example
    "35mthgpgcu1qg68fab165klnsnk3dpvl", // covers the wildcard *.x.w.example
  );
  const qname = n("a.c.x.w.example.");

  it("is insecure: the record covering the next closer name has opt-out (RFC 5155 §9.2)", () => {
    const v = proveNameError(qname, EXAMPLE, proof);
    expect(v.security).toBe("insecure");
    expect(v.reason?.kind).toBe("opt-out");
  });

  it("is secure from the same records without opt-out", () => {
    expect(proveNameError(qname, EXAMPLE, proof.map(withoutOptOut))).toEqual(SECURE);
  });

  it.each([
    [0, "nsec-missing"],
    [1, "nsec-missing"],
    [2, "wildcard-proof-missing"],
  ])("is bogus without record %i of the three (%s)", (i, kind) => {
    const v = proveNameError(qname, EXAMPLE, without(proof, i));
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe(kind);
  });

  it("is bogus when a record that covers neither name takes the place of the wildcard proof", () => {
    const v = proveNameError(qname, EXAMPLE, [
      ...without(proof, 2),
      ...nsec3At(zone, hashOf("ns1.example")),
    ]);
    expect(v.security).toBe("bogus");
  });

  it("is bogus for a name that has a matching record", () => {
    const v = proveNameError(n("x.w.example."), EXAMPLE, proof);
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("denial-invalid");
  });
});

describe("RFC 5155 Appendix B.2: no data for ns1.example MX (RFC 5155 §8.5)", () => {
  const proof = nsec3At(zone, hashOf("ns1.example")); // 2t7b4g4v...: A RRSIG

  it("is secure with the record matching ns1.example, without MX or CNAME", () => {
    expect(proveNoData(n("ns1.example."), RrType.MX, EXAMPLE, proof)).toEqual(SECURE);
  });

  it("is bogus without it", () => {
    const v = proveNoData(n("ns1.example."), RrType.MX, EXAMPLE, nsec3At(zone, hashOf("example")));
    expect(v.security).toBe("bogus");
  });

  it("is bogus for A, which the bitmap lists", () => {
    expect(proveNoData(n("ns1.example."), RrType.A, EXAMPLE, proof).security).toBe("bogus");
  });
});

describe("RFC 5155 Appendix B.2.1: no data for the empty non-terminal y.w.example A", () => {
  const proof = nsec3At(zone, hashOf("y.w.example")); // ji6neoae...: empty bitmap

  it("is secure with the matching record and its empty bitmap", () => {
    expect(proveNoData(n("y.w.example."), RrType.A, EXAMPLE, proof)).toEqual(SECURE);
  });

  it("is bogus with a record that does not match (Unbound's val_nsec3_b21_nodataent_wr)", () => {
    const v = proveNoData(n("y.w.example."), RrType.A, EXAMPLE, nsec3At(zone, hashOf("w.example")));
    expect(v.security).toBe("bogus");
  });
});

describe("RFC 5155 Appendix B.3: referral to the opt-out unsigned zone c.example (§8.9)", () => {
  const proof = nsec3At(
    zone,
    hashOf("example"), // matches the closest encloser example
    "35mthgpgcu1qg68fab165klnsnk3dpvl", // covers the next closer c.example, opt-out
  );

  it("is insecure: c.example lies in an opt-out span", () => {
    const v = proveNoDs(n("c.example."), EXAMPLE, proof);
    expect(v.security).toBe("insecure");
    expect(v.reason?.kind).toBe("opt-out");
    expect(proveNoData(n("c.example."), RrType.DS, EXAMPLE, proof).security).toBe("insecure");
  });

  it.each([0, 1])("is bogus without record %i of the two", (i) => {
    expect(proveNoDs(n("c.example."), EXAMPLE, without(proof, i)).security).toBe("bogus");
  });

  it("is bogus when the covering record has no opt-out: c.example would not exist", () => {
    const v = proveNoDs(n("c.example."), EXAMPLE, proof.map(withoutOptOut));
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("denial-invalid");
  });

  it("is bogus for the signed delegation a.example, whose record lists DS", () => {
    const v = proveNoDs(
      n("a.example."),
      EXAMPLE,
      nsec3At(zone, "35mthgpgcu1qg68fab165klnsnk3dpvl"),
    );
    expect(v.security).toBe("bogus");
  });
});

describe("RFC 5155 Appendix B.4: wildcard expansion a.z.w.example MX (§8.8)", () => {
  // RRSIG Labels 2: the closest encloser is w.example, the next closer z.w.example.
  const proof = nsec3At(zone, "q04jkcevqvmu85r014c7dkba38o0ji5r");
  const qname = n("a.z.w.example.");

  it("is insecure: the record covering z.w.example has opt-out", () => {
    const v = proveWildcardAnswer(qname, 2, EXAMPLE, proof);
    expect(v.security).toBe("insecure");
    expect(v.reason?.kind).toBe("opt-out");
  });

  it("is secure from the same record without opt-out", () => {
    expect(proveWildcardAnswer(qname, 2, EXAMPLE, proof.map(withoutOptOut))).toEqual(SECURE);
  });

  it("is bogus without it, or with a record that does not cover z.w.example", () => {
    expect(proveWildcardAnswer(qname, 2, EXAMPLE, []).security).toBe("bogus");
    const other = nsec3At(zone, hashOf("ns1.example"));
    const v = proveWildcardAnswer(qname, 2, EXAMPLE, other);
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("wildcard-proof-missing");
  });
});

describe("RFC 5155 Appendix B.5: wildcard no data a.z.w.example AAAA (§8.7)", () => {
  const proof = nsec3At(
    zone,
    hashOf("w.example"), // k8udemvp...: matches the closest encloser w.example
    "q04jkcevqvmu85r014c7dkba38o0ji5r", // covers the next closer z.w.example
    hashOf("*.w.example"), // r53bq7cc...: matches the wildcard, MX RRSIG
  );
  const qname = n("a.z.w.example.");

  it("is insecure: the next closer name is covered by an opt-out record", () => {
    expect(proveNoData(qname, RrType.AAAA, EXAMPLE, proof).reason?.kind).toBe("opt-out");
  });

  it("is secure from the same records without opt-out", () => {
    expect(proveNoData(qname, RrType.AAAA, EXAMPLE, proof.map(withoutOptOut))).toEqual(SECURE);
  });

  it.each([0, 1, 2])("is bogus without record %i of the three, opt-out cleared", (i) => {
    const v = proveNoData(qname, RrType.AAAA, EXAMPLE, without(proof.map(withoutOptOut), i));
    expect(v.security).toBe("bogus");
  });

  it("is bogus for MX, which the wildcard owns", () => {
    expect(proveNoData(qname, RrType.MX, EXAMPLE, proof).security).toBe("bogus");
  });
});

describe("RFC 5155 Appendix B.6: DS child zone no data for example DS (RFC 6840 §4.4)", () => {
  it("is bogus: the matching record has SOA set, so it comes from the child's apex", () => {
    const proof = nsec3At(zone, hashOf("example"));
    const v = proveNoDs(n("example."), EXAMPLE, proof);
    expect(v.security).toBe("bogus");
    expect(v.reason?.message).toMatch(/SOA/);
  });
});
