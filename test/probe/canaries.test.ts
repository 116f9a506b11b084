/** Canaries: derived from the zone and its hints, or configured; stable ids beside the names. */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canariesFor, missingHints, randomLabel } from "../../src/probe/canaries.js";
import { fingerprintsOf } from "../../src/probe/fingerprint.js";
import { parseName } from "../../src/dns/name.js";
import { RrClass, RrType } from "../../src/dns/rr.js";

function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

describe("derived canaries", () => {
  it("are the apex SOA and DNSKEY, the two child DS probes and a random name", () => {
    const c = canariesFor(
      { name: "de.", signedChild: "denic.de.", unsignedChild: "example.de." },
      sequence(0),
    );
    expect(c).toEqual([
      { id: "soa", name: "de.", type: "SOA" },
      { id: "dnskey", name: "de.", type: "DNSKEY" },
      { id: "signed-child-ds", name: "denic.de.", type: "DS" },
      { id: "unsigned-child-ds", name: "example.de.", type: "DS" },
      { id: "nxdomain", name: "nta-watch-aaaaaaaaaaaa.de.", type: "A" },
    ]);
  });

  it("draw a fresh label each round while the id stays 'nxdomain'", () => {
    const one = canariesFor({ name: "nl." }, Math.random).find((c) => c.id === "nxdomain")!;
    const two = canariesFor({ name: "nl." }, Math.random).find((c) => c.id === "nxdomain")!;
    expect(one.name).not.toBe(two.name);
    expect(one.name).toMatch(/^nta-watch-[a-z0-9]{12}\.nl\.$/);
    expect(randomLabel(sequence(0.999))).toBe("nta-watch-999999999999");
  });

  it("say which are left out for want of a hint", () => {
    expect(missingHints({ name: "de." })).toEqual([
      "signed-child-ds (set signedChild)",
      "unsigned-child-ds (set unsignedChild)",
    ]);
    expect(canariesFor({ name: "de." }, Math.random).map((c) => c.id)).toEqual([
      "soa",
      "dnskey",
      "nxdomain",
    ]);
  });

  it("under the root have a one-label random name", () => {
    const nx = canariesFor({ name: "." }, sequence(0)).at(-1)!;
    expect(nx.name).toBe("nta-watch-aaaaaaaaaaaa.");
  });
});

describe("configured canaries", () => {
  it("replace the derived ones, each with its name and type as id", () => {
    const c = canariesFor(
      { name: "nl.", canaries: [{ name: "www.sidn.nl.", type: "A" }], signedChild: "sidn.nl." },
      Math.random,
    );
    expect(c).toEqual([{ id: "www.sidn.nl./A", name: "www.sidn.nl.", type: "A" }]);
    expect(missingHints({ name: "nl.", canaries: [{ name: "nl.", type: "SOA" }] })).toEqual([]);
  });
});

describe("fingerprints (RFC 4034 §6.2 canonical form, TTL left out)", () => {
  const owner = parseName("WWW.Example.");
  const a = (ip: number[], ttl: number) => ({
    owner,
    type: RrType.A,
    class: RrClass.IN,
    ttl,
    rdata: Uint8Array.from(ip),
  });

  it("hash owner lowercased, type, class, RDLENGTH and sorted RDATA", () => {
    const group = {
      rrset: {
        owner,
        type: RrType.A,
        class: RrClass.IN,
        ttl: 300,
        rdatas: [a([192, 0, 2, 2], 1).rdata, a([192, 0, 2, 1], 1).rdata],
      },
      rrsigs: [],
    };
    // Written out by hand: \x03www\x07example\x00, type 1, class 1, length 4, address.
    const wire = (last: number) =>
      Buffer.concat([
        Buffer.from("03777777076578616d706c6500", "hex"),
        Buffer.from([0, 1, 0, 1, 0, 4, 192, 0, 2, last]),
      ]);
    const expected = createHash("sha256")
      .update(Buffer.concat([wire(1), wire(2)]))
      .digest("hex");
    expect(fingerprintsOf([group])).toEqual({ rrset: expected });
  });

  it("do not change with the TTL or the record order", () => {
    const g = (ttl: number, rdatas: Uint8Array[]) => ({
      rrset: { owner, type: RrType.A, class: RrClass.IN, ttl, rdatas },
      rrsigs: [],
    });
    const x = Uint8Array.of(192, 0, 2, 1);
    const y = Uint8Array.of(192, 0, 2, 2);
    expect(fingerprintsOf([g(300, [x, y])])).toEqual(fingerprintsOf([g(17, [y, x])]));
    expect(fingerprintsOf([g(300, [x])])).not.toEqual(fingerprintsOf([g(300, [y])]));
  });
});
