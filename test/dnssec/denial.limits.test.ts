/**
 * What makes NSEC3 records unusable or a denial insecure rather than bogus:
 * the iteration limit (RFC 9276 §3.2), unknown hash algorithms and flags
 * (RFC 5155 §8.1, §8.2), malformed RDATA, and the limit's own bounds.
 * Records come from the RFC 5155 example zone, one field changed at a time.
 */
import { describe, expect, it } from "vitest";
import { RrType } from "../../src/dns/rr.js";
import {
  NSEC3_ITERATIONS_LIMIT,
  proveNameError,
  proveNoData,
  proveNoDs,
} from "../../src/dnssec/denial.js";
import { Ede } from "../../src/dnssec/verdict.js";
import {
  EXAMPLE,
  loadZone,
  n,
  nsec3At,
  withIterations,
  withOctet,
  withoutOptOut,
} from "./denial-support.js";

const zone = loadZone("rfc5155-appendixA-example.zone.signed");

// RFC 5155 Appendix B.2: the record matching ns1.example (12 iterations in the zone).
const [ns1] = nsec3At(zone, "2t7b4g4vsa5smi47k61mv5bv1a22bojr");
const noData = (records = [ns1!], options?: { maxNsec3Iterations?: number }) =>
  proveNoData(n("ns1.example."), RrType.MX, EXAMPLE, records, options);

// RFC 5155 Appendix B.1, opt-out cleared so that the proof is secure.
const nameErrorProof = nsec3At(
  zone,
  "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom",
  "b4um86eghhds6nea196smvmlo4ors995",
  "35mthgpgcu1qg68fab165klnsnk3dpvl",
).map(withoutOptOut);

describe("RFC 9276 §3.2: NSEC3 iteration limit", () => {
  it("has the default 150 and the documented range 0..2500", () => {
    expect(NSEC3_ITERATIONS_LIMIT).toEqual({ default: 150, min: 0, max: 2500 });
  });

  it("validates a count equal to the limit", () => {
    expect(noData([ns1!], { maxNsec3Iterations: 12 })).toEqual({ security: "secure" });
  });

  it("makes a count above the limit insecure with EDE 27, never bogus", () => {
    const v = noData([ns1!], { maxNsec3Iterations: 11 });
    expect(v.security).toBe("insecure");
    expect(v.reason?.kind).toBe("nsec3-iterations-too-high");
    expect(v.reason?.ede).toBe(Ede.UNSUPPORTED_NSEC3_ITERATIONS);
    expect(v.reason?.ede).toBe(27);
  });

  it("applies the default limit of 150 to a record with 151 iterations", () => {
    expect(noData([withIterations(ns1!, 150)]).reason?.kind).not.toBe("nsec3-iterations-too-high");
    expect(noData([withIterations(ns1!, 151)]).security).toBe("insecure");
  });

  it("is insecure even when the records would not make a proof", () => {
    const v = proveNameError(n("zz.example."), EXAMPLE, [withIterations(ns1!, 1000)]);
    expect(v.security).toBe("insecure");
  });

  it.each([-1, 2501, 1.5, Number.NaN])("refuses the limit %s", (limit) => {
    expect(() => noData([ns1!], { maxNsec3Iterations: limit })).toThrow(RangeError);
  });

  it.each([0, 2500])("accepts the limit %s", (limit) => {
    expect(() => noData([ns1!], { maxNsec3Iterations: limit })).not.toThrow();
  });
});

describe("RFC 5155 §8.1: unknown hash algorithm", () => {
  it("ignores the records, leaving the proof bogus, and says why", () => {
    const v = noData([withOctet(ns1!, 0, 2)]);
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("nsec-missing");
    expect(v.reason?.message).toMatch(/unknown hash algorithm/);
  });
});

describe("RFC 5155 §8.2: flags other than opt-out", () => {
  it("ignores a record with an unknown flag set", () => {
    const v = noData([withOctet(ns1!, 1, 0x02)]);
    expect(v.security).toBe("bogus");
    expect(v.reason?.message).toMatch(/unknown flags/);
  });
});

describe("malformed NSEC3 RDATA", () => {
  it("is bogus with reason malformed when a needed record has a salt length past its RDATA", () => {
    const broken = withOctet(nameErrorProof[1]!, 4, 0xff); // octet 4: salt length
    const v = proveNameError(n("a.c.x.w.example."), EXAMPLE, [
      nameErrorProof[0]!,
      broken,
      nameErrorProof[2]!,
    ]);
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("malformed");
    expect(v.reason?.ede).toBe(Ede.INVALID_DATA);
  });

  it("does not matter when the record is not needed", () => {
    const extra = withOctet(ns1!, 4, 0xff);
    expect(proveNameError(n("a.c.x.w.example."), EXAMPLE, [...nameErrorProof, extra])).toEqual({
      security: "secure",
    });
  });

  it("leaves out a record deeper below the apex: it belongs to another zone's chain", () => {
    const deeper = { ...ns1!, owner: n("2t7b4g4vsa5smi47k61mv5bv1a22bojr.w.example.") };
    const v = noData([deeper]);
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("nsec-missing");
  });

  it("counts a record whose owner label is no base32hex hash as malformed", () => {
    const v = noData([{ ...ns1!, owner: n("not-a-hash.example.") }]);
    expect(v.security).toBe("bogus");
    expect(v.reason?.kind).toBe("malformed");
  });
});

describe("RFC 6840 §4.1: NSEC3 at a delegation proves nothing below it", () => {
  it("refuses the delegation a.example as closest encloser of a name below it", () => {
    // 35mthgpg... matches a.example (NS DS RRSIG); opt-out cleared to avoid the insecure path.
    const records = nsec3At(
      zone,
      "35mthgpgcu1qg68fab165klnsnk3dpvl",
      "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom",
      "2vptu5timamqttgl4luu9kg21e0aor3s",
      "gjeqe526plbf1g8mklp59enfd789njgi",
      "t644ebqk9bibcna874givr6joj62mlhv",
      "kohar7mbb8dc2ce8a9qvl8hon4k53uhi",
      "q04jkcevqvmu85r014c7dkba38o0ji5r",
      "r53bq7cc2uvmubfu5ocmm6pers9tk9en",
      "k8udemvp1j2f7eg6jebps17vp3n8i58h",
      "ji6neoaepv8b5o6k4ev33abha8ht9fgc",
      "b4um86eghhds6nea196smvmlo4ors995",
      "2t7b4g4vsa5smi47k61mv5bv1a22bojr",
    ).map(withoutOptOut);
    const v = proveNameError(n("www.a.example."), EXAMPLE, records);
    expect(v.security).toBe("bogus");
    expect(v.reason?.message).toMatch(/delegation/);
  });

  it("denies no type but DS at the delegation point", () => {
    const [a] = nsec3At(zone, "35mthgpgcu1qg68fab165klnsnk3dpvl");
    expect(proveNoData(n("a.example."), RrType.A, EXAMPLE, [a!]).security).toBe("bogus");
    expect(proveNoDs(n("a.example."), EXAMPLE, [a!]).security).toBe("bogus"); // DS is listed
  });
});
