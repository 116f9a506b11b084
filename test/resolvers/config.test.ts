/**
 * Configuring resolvers: the schema fragment, adapters made from it with
 * credentials from files or the environment, and credentials kept out of
 * logs.
 */
import { describe, expect, it } from "vitest";
import { createAdapter, type FactoryIo } from "../../src/resolvers/factory.js";
import { REDACTED, redact, redactText } from "../../src/resolvers/redact.js";
import { reconcileSchema, resolversSchema } from "../../src/resolvers/schema.js";

const PEM_KEY =
  "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n";

describe("the resolvers schema", () => {
  it("accepts one resolver of each adapter, with defaults filled in", () => {
    const parsed = resolversSchema.parse([
      { name: "u1", adapter: "unbound", socket: "/run/unbound.ctl" },
      { name: "b1", adapter: "bind", keyFile: "/etc/bind/rndc.key", host: "127.0.0.1", port: 953 },
      { name: "k1", adapter: "knot-resolver", sockets: ["/run/knot-resolver/control/1"] },
      { name: "p1", adapter: "pdns-recursor", socketDir: "/run/pdns-recursor" },
    ]);
    expect(parsed.map((r) => [r.name, r.adapter, r.timeout])).toEqual([
      ["u1", "unbound", 10_000],
      ["b1", "bind", 10_000],
      ["k1", "knot-resolver", 10_000],
      ["p1", "pdns-recursor", 10_000],
    ]);
    expect(parsed[1]).toMatchObject({ rndc: "rndc", force: true });
    expect(parsed[3]).toMatchObject({ recControl: "rec_control" });
  });

  it.each([
    ["an unknown adapter", [{ name: "x", adapter: "dnsmasq", socket: "/s" }]],
    [
      "both a socket and a host",
      [{ name: "u", adapter: "unbound", socket: "/s", host: "127.0.0.1" }],
    ],
    ["TLS over a Unix socket", [{ name: "u", adapter: "unbound", socket: "/s", tls: {} }]],
    [
      "a key given both as a file and a variable",
      [
        {
          name: "u",
          adapter: "unbound",
          host: "127.0.0.1",
          tls: {
            serverCert: { file: "/a" },
            clientCert: { file: "/b" },
            clientKey: { file: "/c", env: "KEY" },
          },
        },
      ],
    ],
    ["BIND with neither rndc.conf nor a key file", [{ name: "b", adapter: "bind" }]],
    [
      "a secret written in the file",
      [{ name: "b", adapter: "bind", keyFile: "/k", secret: "c2VjcmV0" }],
    ],
    [
      "a timeout over a minute",
      [{ name: "p", adapter: "pdns-recursor", socketDir: "/d", timeout: "2m" }],
    ],
    [
      "two resolvers of one name",
      [
        { name: "r", adapter: "pdns-recursor", socketDir: "/d" },
        { name: "r", adapter: "unbound", socket: "/s" },
      ],
    ],
  ])("rejects %s", (_what, value) => {
    expect(resolversSchema.safeParse(value).success).toBe(false);
  });

  it("reconciliation defaults: not a dry run, every minute, four attempts from 1 s to 30 s", () => {
    expect(reconcileSchema.parse({})).toEqual({
      dryRun: false,
      interval: 60_000,
      attempts: 4,
      backoff: 1000,
      backoffCap: 30_000,
      resolverBudget: 120_000,
    });
    expect(reconcileSchema.safeParse({ backoff: "10s", backoffCap: "5s" }).success).toBe(false);
  });
});

describe("adapters from the configuration", () => {
  const io = (files: Record<string, string>, env: Record<string, string> = {}): FactoryIo => ({
    env,
    readText: (p) =>
      p in files
        ? Promise.resolve(files[p]!)
        : Promise.reject(Object.assign(new Error("nope"), { code: "ENOENT" })),
  });

  const unboundTls = (clientKey: { file?: string; env?: string }) =>
    resolversSchema.parse([
      {
        name: "u-tls",
        adapter: "unbound",
        host: "127.0.0.1",
        tls: { serverCert: { file: "/s.pem" }, clientCert: { file: "/c.pem" }, clientKey },
      },
    ])[0]!;

  it("reads the TLS key from the environment when told to", async () => {
    const r = await createAdapter(
      unboundTls({ env: "UNBOUND_KEY" }),
      io({ "/s.pem": "S", "/c.pem": "C" }, { UNBOUND_KEY: PEM_KEY }),
    );
    expect(r.ok && r.value.kind).toBe("unbound");
  });

  it("a missing key file is a credentials error naming the file, not its content", async () => {
    const r = await createAdapter(
      unboundTls({ file: "/missing.key" }),
      io({ "/s.pem": "S", "/c.pem": "C" }),
    );
    expect(r).toEqual({
      ok: false,
      error: { kind: "credentials", message: "tls.clientKey: cannot read /missing.key: ENOENT" },
    });
  });

  it("an unset variable is a credentials error", async () => {
    const r = await createAdapter(
      unboundTls({ env: "NOPE" }),
      io({ "/s.pem": "S", "/c.pem": "C" }),
    );
    expect(r.ok ? "" : r.error.kind).toBe("credentials");
  });
});

describe("credentials never reach a log", () => {
  it("PEM blocks and BIND key secrets are replaced in text", () => {
    expect(redactText(`bad key: ${PEM_KEY}`)).toBe(`bad key: ${REDACTED}\n`);
    expect(redactText('key "lab" { algorithm hmac-sha256; secret "c2VjcmV0"; };')).toBe(
      `key "lab" { algorithm hmac-sha256; secret "${REDACTED}"; };`,
    );
  });

  it("credential fields are replaced in objects; paths and names stay", () => {
    expect(
      redact({ name: "u", tls: { clientKey: { env: "K" }, serverCert: "S" }, keyFile: "/k" }),
    ).toEqual({ name: "u", tls: { clientKey: REDACTED, serverCert: "S" }, keyFile: "/k" });
  });
});
