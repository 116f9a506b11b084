/**
 * Reading what the resolvers' control channels print. The texts were printed
 * by the real programs on this project's lab: Unbound 1.17.1
 * (unbound-control list_insecure), BIND 9.18 (rndc nta -dump), PowerDNS
 * Recursor 4.8.8 (rec_control get-ntas) and Knot Resolver 5.6.0 (control
 * socket in binary mode).
 */
import { describe, expect, it } from "vitest";
import { parseBindTime, parseNtaDump } from "../../src/resolvers/bind.js";
import { parseInsecureList, parseWrapped } from "../../src/resolvers/knot.js";
import { parseGetNtas } from "../../src/resolvers/pdns.js";
import { controlZone, reasonLine } from "../../src/resolvers/types.js";
import { parseListInsecure } from "../../src/resolvers/unbound.js";

describe("Unbound: list_insecure", () => {
  it("one name per line, as added (case kept), compared in lowercase", () => {
    expect(parseListInsecure("Bar.Example.\nfoo.example.\n")).toEqual([
      { zone: "bar.example.", raw: "Bar.Example." },
      { zone: "foo.example.", raw: "foo.example." },
    ]);
  });

  it("no NTA is an empty reply", () => {
    expect(parseListInsecure("")).toEqual([]);
  });
});

describe("BIND: rndc nta -dump", () => {
  const dump =
    "bar.example/_default: expiry 03-Dec-2026 19:56:59.000\n" +
    "x.example/_default: expired 10-Dec-2026 19:46:59.000\n";

  it("each line names the zone, its view and BIND's expiry in local time", () => {
    expect(parseNtaDump(dump)).toEqual([
      {
        zone: "bar.example.",
        raw: "bar.example",
        view: "_default",
        expiresAt: new Date("2026-12-03T19:56:59.000").getTime(),
      },
      {
        zone: "x.example.",
        raw: "x.example",
        view: "_default",
        expiresAt: new Date("2026-12-10T19:46:59.000").getTime(),
        expired: true,
      },
    ]);
  });

  it("an empty dump is no NTA; an unknown line is not guessed at", () => {
    expect(parseNtaDump("")).toEqual([]);
    expect(parseNtaDump("rndc: 'nta' failed: not found\n")).toBeUndefined();
  });

  it("a time that is not one is undefined", () => {
    expect(parseBindTime("31-Foo-2026 10:00:00.000")).toBeUndefined();
  });
});

describe("PowerDNS Recursor: rec_control get-ntas", () => {
  it("a header, then the name (no trailing dot) and the reason after a tab", () => {
    const text =
      "Configured Negative Trust Anchors:\nfoo.example\treason with spaces\nBar.Example\t\n";
    expect(parseGetNtas(text)).toEqual([
      { zone: "foo.example.", raw: "foo.example", reason: "reason with spaces" },
      { zone: "bar.example.", raw: "Bar.Example", reason: "" },
    ]);
  });

  it("no header: not a get-ntas reply", () => {
    expect(parseGetNtas("Fatal: Unable to connect to remote\n")).toBeUndefined();
  });
});

describe("Knot Resolver 5: control socket replies", () => {
  it("names come back hex-encoded, exactly as a person added them", () => {
    const hex = (s: string) => Buffer.from(s).toString("hex");
    const parsed = parseWrapped(`'ok ${hex("foo.example")} ${hex("Bar.Example.")}'`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parseInsecureList(parsed.value)).toEqual([
      { zone: "foo.example.", raw: "foo.example" },
      { zone: "bar.example.", raw: "Bar.Example." },
    ]);
  });

  it("an error raised in Lua is the resolver's message, decoded", () => {
    const message = "cannot add NTA example. because it is TA";
    expect(parseWrapped(`'error ${Buffer.from(message).toString("hex")}'`)).toEqual({
      ok: false,
      error: { kind: "rejected", message },
    });
  });

  it("a reply not of our making is a bad reply", () => {
    expect(parseWrapped('[string "1+"]:1: unexpected symbol').ok).toBe(false);
  });
});

describe("zones sent to control channels", () => {
  it("are lowercase with the trailing dot", () => {
    expect(controlZone("Watched")).toEqual({ ok: true, value: "watched." });
  });

  it("refuse names a control channel would split or quote (rndc reads a space as a view)", () => {
    expect(controlZone("a b.example").ok).toBe(false);
    expect(controlZone("x'.example").ok).toBe(false);
    expect(controlZone("*").ok).toBe(false);
  });

  it("refuse the root: RFC 7646 §1.1, an NTA covers everything below it", () => {
    expect(controlZone(".")).toMatchObject({ ok: false, error: { kind: "unsupported" } });
  });

  it("reasons become one printable line", () => {
    expect(reasonLine("expired\tRRSIGs\nsince 08:00")).toBe("expired RRSIGs since 08:00");
  });
});
