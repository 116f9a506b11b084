/**
 * Every package the lock file installs accepts the oldest Node the project
 * supports (package.json's engines.node), so that `npm ci` on it warns of no
 * engine (EBADENGINE): cookie 2, which light-my-request (fastify's inject)
 * asks for, wants Node 22; package.json's overrides give it cookie 1.1,
 * whose stringifySetCookie is the one light-my-request calls.
 */

import { readFileSync } from "node:fs";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";

type Version = [number, number, number];

/** "20.19", "v20.20.2", "20.x", "20" as three numbers; a missing or x part is 0. */
function version(text: string): Version {
  const parts = text
    .replace(/^v/, "")
    .split(".")
    .map((p) => (/^\d+$/.test(p) ? Number(p) : 0));
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

const compare = (a: Version, b: Version): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** One comparator of a node-semver range ("*", ">=N", ">= N", "^N.M.P", "N", "N.x"). */
function satisfiesOne(v: Version, comparator: string): boolean {
  if (comparator === "*" || comparator === "") return true;
  const m = /^(>=|>|<=|<|\^|~)?\s*(v?\d+(?:\.(?:\d+|x))?(?:\.(?:\d+|x))?)$/.exec(comparator);
  if (!m) throw new Error(`a range this test does not read: ${comparator}`);
  const [, op, text] = m;
  const r = version(text!);
  const c = compare(v, r);
  const given = text!.split(".").filter((p) => /^\d+$/.test(p)).length;
  switch (op) {
    case ">=":
      return c >= 0;
    case ">":
      return c > 0;
    case "<=":
      return c <= 0;
    case "<":
      return c < 0;
    case "^":
      // Node's major is never 0 here: ^N.M.P is N.M.P up to the next major.
      return c >= 0 && v[0] === r[0];
    case "~":
      return c >= 0 && v[0] === r[0] && (given < 2 || v[1] === r[1]);
    default:
      // "20", "20.x", "20.19": every version that starts so.
      return v.slice(0, given).every((n, i) => n === r[i]);
  }
}

/** A range: alternatives split by "||", each a list of comparators that must all hold. */
function satisfies(v: Version, range: string): boolean {
  return range.split("||").some((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<=|>|<)\s+/g, "$1")
      .split(/\s+/)
      .every((comparator) => satisfiesOne(v, comparator)),
  );
}

const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { engines: { node: string } };
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as {
  packages: Record<string, { version?: string; engines?: { node?: string } }>;
};

describe("Node engines of the installed packages", () => {
  const floor = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines.node)?.[1];

  it("the project states its oldest Node as >=N.M", () => {
    expect(floor).toBeDefined();
  });

  it("reads ranges as npm does on the cases of the lock file", () => {
    expect(satisfies(version("20.19"), ">=22")).toBe(false);
    expect(satisfies(version("20.19"), "^18.18.0 || ^20.9.0 || >=21.1.0")).toBe(true);
    expect(satisfies(version("20.19"), "^20.19.0 || ^22.13.0 || >=24")).toBe(true);
    expect(satisfies(version("20.18.3"), ">= 20.19.0")).toBe(false);
    expect(satisfies(version("20.19"), "20.x || 22.x || 23.x")).toBe(true);
    expect(satisfies(version("21.0"), "18 || 20 || >=22")).toBe(false);
    expect(satisfies(version("20.19"), "*")).toBe(true);
  });

  it.each([
    ["the oldest supported", floor ?? "0"],
    ["the running", process.versions.node],
  ])("every package of the lock file accepts %s Node (%s)", (_which, node) => {
    const refused = Object.entries(lock.packages)
      .filter(([, p]) => p.engines?.node !== undefined)
      .filter(([, p]) => !satisfies(version(node), p.engines!.node!))
      .map(([where, p]) => `${where}@${p.version}: node ${p.engines!.node}`);
    expect(refused).toEqual([]);
  });

  it("fastify's inject still sends the cookies it is given (light-my-request through cookie)", async () => {
    const app = Fastify();
    app.get("/", async (req) => ({ cookie: req.headers.cookie ?? null }));
    try {
      const r = await app.inject({ url: "/", cookies: { session: "a b", theme: "dark" } });
      expect(r.json()).toEqual({ cookie: "session=a%20b; theme=dark" });
    } finally {
      await app.close();
    }
  });
});
