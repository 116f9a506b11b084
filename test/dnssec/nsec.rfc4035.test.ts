/**
 * NSEC proofs against the example responses of RFC 4035 Appendix B, built
 * from the signed example zone of Appendix A: each response's NSEC records
 * are the ones the RFC lists, picked from the zone by owner.
 */
import { describe, expect, it } from "vitest";
import { RrType } from "../../src/dns/rr.js";
import {
  proveNameError,
  proveNoData,
  proveNoDs,
  proveWildcardAnswer,
} from "../../src/dnssec/denial.js";
import { Ede } from "../../src/dnssec/verdict.js";
import { EXAMPLE, loadZone, n, nsecAt, record, without } from "./denial-support.js";

const zone = loadZone("rfc4035-appendixA-example.zone.signed");

describe("RFC 4035 Appendix B.2: name error for ml.example", () => {
  const proof = nsecAt(zone, "b.example.", "example.");

  it("is secure with the NSEC covering ml.example and the NSEC covering *.example", () => {
    expect(proveNameError(n("ml.example."), EXAMPLE, proof)).toEqual({ security: "secure" });
  });

  it("is bogus without the NSEC covering the name (RFC 4035 §5.4)", () => {
    const v = proveNameError(n("ml.example."), EXAMPLE, without(proof, 0));
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("nsec-missing");
    expect(v.reason?.ede).toBe(Ede.NSEC_MISSING);
  });

  it("is bogus without the NSEC proving there is no wildcard at the closest encloser", () => {
    const v = proveNameError(n("ml.example."), EXAMPLE, without(proof, 1));
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("wildcard-proof-missing");
  });

  it("is bogus when the NSEC offered in place of the covering one does not cover the name", () => {
    const v = proveNameError(n("ml.example."), EXAMPLE, nsecAt(zone, "ai.example.", "example."));
    expect(v.security).toBe("bogus");
  });

  it("is bogus for a name that an NSEC shows to exist", () => {
    const v = proveNameError(n("ns1.example."), EXAMPLE, [
      ...proof,
      ...nsecAt(zone, "ns1.example."),
    ]);
    expect(v.reason?.kind).toBe("denial-invalid");
  });

  it("accepts the last NSEC of the zone, whose next name wraps to the apex", () => {
    // xx.example. NSEC example.: zz.example sorts after the last owner.
    expect(
      proveNameError(n("zz.example."), EXAMPLE, nsecAt(zone, "xx.example.", "example.")),
    ).toEqual({ security: "secure" });
  });

  it("is bogus for the empty non-terminal y.w.example, which exists", () => {
    // x.w.example. NSEC x.y.w.example.: the next name lies below y.w.example.
    const v = proveNameError(
      n("y.w.example."),
      EXAMPLE,
      nsecAt(zone, "x.w.example.", "*.w.example."),
    );
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("denial-invalid");
  });

  it("is bogus when the name falls under an existing wildcard", () => {
    // *.w.example. exists: a name under w.example should have been synthesized.
    const v = proveNameError(
      n("a.w.example."),
      EXAMPLE,
      nsecAt(zone, "*.w.example.", "ns2.example."),
    );
    expect(v.security).toBe("bogus");
  });
});

describe("RFC 4035 Appendix B.3: no data for ns1.example MX", () => {
  const proof = nsecAt(zone, "ns1.example.");

  it("is secure with the NSEC at ns1.example, whose bitmap has no MX and no CNAME", () => {
    expect(proveNoData(n("ns1.example."), RrType.MX, EXAMPLE, proof)).toEqual({
      security: "secure",
    });
  });

  it("is bogus without that NSEC", () => {
    expect(proveNoData(n("ns1.example."), RrType.MX, EXAMPLE, []).security).toBe("bogus");
  });

  it("is bogus for a type the bitmap lists (A)", () => {
    const v = proveNoData(n("ns1.example."), RrType.A, EXAMPLE, proof);
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("denial-invalid");
    expect(v.reason?.type).toBe("A");
  });

  it("is secure for the empty non-terminal y.w.example, from the NSEC whose next name is below it", () => {
    expect(proveNoData(n("y.w.example."), RrType.A, EXAMPLE, nsecAt(zone, "x.w.example."))).toEqual(
      { security: "secure" },
    );
  });
});

describe("RFC 4035 Appendix B.4: referral to the signed zone a.example", () => {
  it("cannot pass for an insecure delegation: the NSEC at a.example lists DS", () => {
    const v = proveNoDs(n("a.example."), EXAMPLE, nsecAt(zone, "a.example."));
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("denial-invalid");
  });
});

describe("RFC 4035 Appendix B.5: referral to the unsigned zone b.example (RFC 4035 §5.2)", () => {
  it("is insecure: the NSEC at b.example has NS and neither DS nor SOA", () => {
    const v = proveNoDs(n("b.example."), EXAMPLE, nsecAt(zone, "b.example."));
    expect(v.security).toBe("insecure");
    expect(v.reason?.kind).toBe("unsigned-zone");
  });

  it("proves the NODATA for b.example DS itself secure", () => {
    expect(proveNoData(n("b.example."), RrType.DS, EXAMPLE, nsecAt(zone, "b.example."))).toEqual({
      security: "secure",
    });
  });

  it("is bogus without the NSEC at b.example", () => {
    expect(proveNoDs(n("b.example."), EXAMPLE, nsecAt(zone, "ai.example.")).security).toBe("bogus");
  });

  it("is secure (no zone cut, no DS) for a name whose NSEC has no NS bit", () => {
    expect(proveNoDs(n("ns1.example."), EXAMPLE, nsecAt(zone, "ns1.example."))).toEqual({
      security: "secure",
    });
  });
});

describe("RFC 4035 Appendix B.6: wildcard expansion a.z.w.example MX (RFC 4035 §5.3.4)", () => {
  // The RRSIG of the answer has Labels 2: the closest encloser is w.example.
  const proof = nsecAt(zone, "x.y.w.example.");

  it("is secure with the NSEC proving z.w.example does not exist", () => {
    expect(proveWildcardAnswer(n("a.z.w.example."), 2, EXAMPLE, proof)).toEqual({
      security: "secure",
    });
    expect(proveWildcardAnswer(n("a.z.w.example."), n("w.example."), EXAMPLE, proof)).toEqual({
      security: "secure",
    });
  });

  it("is bogus without that NSEC", () => {
    const v = proveWildcardAnswer(n("a.z.w.example."), 2, EXAMPLE, nsecAt(zone, "ns2.example."));
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("wildcard-proof-missing");
  });

  it("is bogus when the next closer name exists (x.w.example has its own NSEC)", () => {
    const v = proveWildcardAnswer(n("a.x.w.example."), 2, EXAMPLE, nsecAt(zone, "x.w.example."));
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("denial-invalid");
  });

  it("needs no proof when the wildcard owner itself was asked for", () => {
    expect(proveWildcardAnswer(n("*.w.example."), 2, EXAMPLE, [])).toEqual({ security: "secure" });
  });

  it("throws when the Labels count is no expansion of the name", () => {
    expect(() => proveWildcardAnswer(n("a.z.w.example."), 4, EXAMPLE, proof)).toThrow(RangeError);
  });
});

describe("RFC 4035 Appendix B.7: wildcard no data a.z.w.example AAAA (RFC 4035 §3.1.3.4)", () => {
  const proof = nsecAt(zone, "x.y.w.example.", "*.w.example.");

  it("is secure with the NSEC covering the name and the NSEC at *.w.example without AAAA", () => {
    expect(proveNoData(n("a.z.w.example."), RrType.AAAA, EXAMPLE, proof)).toEqual({
      security: "secure",
    });
  });

  it("is bogus without the NSEC at the wildcard", () => {
    const v = proveNoData(n("a.z.w.example."), RrType.AAAA, EXAMPLE, without(proof, 1));
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("wildcard-proof-missing");
  });

  it("is bogus without the NSEC covering the name", () => {
    expect(proveNoData(n("a.z.w.example."), RrType.AAAA, EXAMPLE, without(proof, 0)).security).toBe(
      "bogus",
    );
  });

  it("is bogus for MX, which the wildcard owns", () => {
    expect(proveNoData(n("a.z.w.example."), RrType.MX, EXAMPLE, proof).security).toBe("bogus");
  });
});

describe("RFC 4035 Appendix B.8: DS child zone no data for example DS (RFC 6840 §4.4)", () => {
  it("is bogus: the NSEC at example has SOA set, so it is the child's apex record", () => {
    const proof = nsecAt(zone, "example.");
    const v = proveNoDs(n("example."), EXAMPLE, proof);
    expect(v.security).toBe("bogus");
    expect(v.reason?.message).toMatch(/SOA/);
    expect(proveNoData(n("example."), RrType.DS, EXAMPLE, proof).security).toBe("bogus");
  });
});

describe("RFC 4035 §3.1.4.1: the DS of the root, which has no parent side", () => {
  // The root's apex NSEC of 2018-04-09 (test/fixtures/deckard/val_root_ds.rpl).
  const apex = [record(". 86400 IN NSEC aaa. NS SOA RRSIG NSEC DNSKEY")];
  const ROOT = n(".");

  it("is denied secure by the root's own apex NSEC, SOA bit and all", () => {
    expect(proveNoData(ROOT, RrType.DS, ROOT, apex)).toEqual({ security: "secure" });
  });

  it("is no unsigned delegation: the apex NSEC has NS beside SOA", () => {
    expect(proveNoDs(ROOT, ROOT, apex)).toEqual({ security: "secure" });
  });

  it("still refuses a child's apex NSEC for the DS of any other zone", () => {
    const child = [record("org. 86400 IN NSEC 0.org. NS SOA RRSIG NSEC DNSKEY")];
    expect(proveNoData(n("org."), RrType.DS, n("org."), child).security).toBe("bogus");
  });

  it("lets the root's apex NSEC deny only DS, not a type it lists", () => {
    expect(proveNoData(ROOT, RrType.SOA, ROOT, apex).security).toBe("bogus");
  });
});

describe("RFC 6840 §4.1: NSEC from the parent side of a zone cut, or at a DNAME", () => {
  it("does not deny names below the delegation b.example", () => {
    // b.example. NSEC ns1.example. NS RRSIG NSEC: x.b.example sorts between them.
    const v = proveNameError(n("x.b.example."), EXAMPLE, nsecAt(zone, "b.example.", "example."));
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("nsec-missing");
  });

  it("denies no type but DS at the delegation point", () => {
    const v = proveNoData(n("b.example."), RrType.A, EXAMPLE, nsecAt(zone, "b.example."));
    expect(v.security).toBe("bogus");
    expect(v.reason?.message).toMatch(/parent side/);
  });

  it("does not deny names below a DNAME owner", () => {
    const dname = [record("d.example. 3600 IN NSEC e.example. DNAME RRSIG NSEC")];
    const plain = [record("d.example. 3600 IN NSEC e.example. A RRSIG NSEC")];
    expect(proveNameError(n("x.d.example."), EXAMPLE, plain)).toEqual({ security: "secure" });
    expect(proveNameError(n("x.d.example."), EXAMPLE, dname).security).toBe("bogus");
  });
});

describe("records that cannot take part in a proof", () => {
  it("ignores NSEC records from outside the zone", () => {
    const other = record("example.net. 3600 IN NSEC zz.example.net. A RRSIG NSEC");
    expect(proveNameError(n("ml.example."), EXAMPLE, [other]).reason?.kind).toBe("nsec-missing");
  });

  it("reports malformed NSEC RDATA as malformed when the proof then fails", () => {
    const [b] = nsecAt(zone, "b.example.");
    const broken = { ...b!, rdata: b!.rdata.subarray(0, 3) };
    const v = proveNameError(n("ml.example."), EXAMPLE, [broken, ...nsecAt(zone, "example.")]);
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("malformed");
    expect(v.reason?.ede).toBe(Ede.INVALID_DATA);
  });

  it("throws when the name asked about is outside the zone", () => {
    expect(() => proveNameError(n("ml.example.net."), EXAMPLE, [])).toThrow(RangeError);
  });
});

describe("RFC 9824: compact denial of existence", () => {
  // An NSEC at the name itself, next name \000.name, bitmap RRSIG NSEC NXNAME.
  const compact = record("ml.example. 3600 IN NSEC \\000.ml.example. RRSIG NSEC TYPE128");

  it("accepts an NSEC at the name with NXNAME as a name error", () => {
    expect(proveNameError(n("ml.example."), EXAMPLE, [compact])).toEqual({ security: "secure" });
  });

  it("still refuses an NSEC at the name without NXNAME as a name error", () => {
    const plain = record("ml.example. 3600 IN NSEC \\000.ml.example. RRSIG NSEC");
    expect(proveNameError(n("ml.example."), EXAMPLE, [plain]).security).toBe("bogus");
  });

  it("proves NODATA for any type but RRSIG and NSEC from the same record", () => {
    expect(proveNoData(n("ml.example."), RrType.A, EXAMPLE, [compact])).toEqual({
      security: "secure",
    });
  });
});
