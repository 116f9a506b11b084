/**
 * Unbound's remote control over TCP with TLS and client certificates
 * (`control-use-cert: yes`), against an Unbound this test starts on its own
 * loopback address with keys from unbound-control-setup. The adapter is made
 * from configuration, the client key read from the environment. It needs
 * Debian's unbound package, not the lab's servers or root; it fails without
 * it, and is skipped with the lab's tests under NTA_WATCH_SKIP_LAB=1.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createAdapter } from "../../src/resolvers/factory.js";
import { resolversSchema } from "../../src/resolvers/schema.js";
import type { ResolverAdapter } from "../../src/resolvers/types.js";
import { unboundCommand } from "../../src/resolvers/unbound.js";
import { describeLab, labUnavailable } from "./lab.js";

const ADDRESS = "127.54.9.1";
const DNS_PORT = 20_000 + Math.floor(Math.random() * 30_000);
const PORT = DNS_PORT + 1;

let dir = "";
let server: ChildProcess | undefined;
let adapter: ResolverAdapter;

describeLab("Unbound remote control over TLS", () => {
  beforeAll(async () => {
    const unavailable = labUnavailable({
      tools: ["unbound", "unbound-control-setup"],
      root: false,
    });
    if (unavailable !== undefined) throw new Error(unavailable);
    dir = mkdtempSync(path.join(tmpdir(), "nta-watch-unbound-tls-"));
    execFileSync("unbound-control-setup", ["-d", dir], { stdio: "ignore" });
    writeFileSync(
      path.join(dir, "unbound.conf"),
      [
        "server:",
        `  interface: ${ADDRESS}@${DNS_PORT}`,
        "  do-ip6: no",
        '  username: ""',
        '  chroot: ""',
        `  directory: "${dir}"`,
        `  pidfile: "${dir}/unbound.pid"`,
        "  use-syslog: no",
        "  num-threads: 1",
        "remote-control:",
        "  control-enable: yes",
        `  control-interface: ${ADDRESS}`,
        `  control-port: ${PORT}`,
        "  control-use-cert: yes",
        `  server-key-file: "${dir}/unbound_server.key"`,
        `  server-cert-file: "${dir}/unbound_server.pem"`,
        `  control-key-file: "${dir}/unbound_control.key"`,
        `  control-cert-file: "${dir}/unbound_control.pem"`,
        "",
      ].join("\n"),
    );
    server = spawn("unbound", ["-d", "-c", path.join(dir, "unbound.conf")], { stdio: "ignore" });
    const config = resolversSchema.parse([
      {
        name: "unbound-tls",
        adapter: "unbound",
        host: ADDRESS,
        port: PORT,
        tls: {
          serverCert: { file: path.join(dir, "unbound_server.pem") },
          clientCert: { file: path.join(dir, "unbound_control.pem") },
          clientKey: { env: "NTA_WATCH_TEST_UNBOUND_KEY" },
        },
        timeout: "2s",
      },
    ])[0]!;
    const env = {
      NTA_WATCH_TEST_UNBOUND_KEY: readFileSync(path.join(dir, "unbound_control.key"), "utf8"),
    };
    const made = await createAdapter(config, {
      env,
      readText: (p) => Promise.resolve(readFileSync(p, "utf8")),
    });
    if (!made.ok) throw new Error(made.error.message);
    adapter = made.value;
    for (let i = 0; i < 100; i++) {
      if ((await adapter.list()).ok) return;
      await sleep(100);
    }
    throw new Error("the test's Unbound did not answer on its control port");
  }, 60_000);

  afterAll(() => {
    server?.kill("SIGTERM");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("adds, lists and removes an NTA over TLS with client certificates", async () => {
    expect(
      await adapter.add("Broken.Example", { lifetimeSeconds: 60, reason: "test" }),
    ).toMatchObject({ ok: true });
    const listed = await adapter.list();
    expect(listed.ok && listed.value.map((e) => e.zone)).toEqual(["broken.example."]);
    expect(await adapter.remove("broken.example.")).toMatchObject({ ok: true });
    const after = await adapter.list();
    expect(after.ok && after.value).toEqual([]);
  });

  it("a server certificate that is not the one configured is refused", async () => {
    const wrong = readFileSync(path.join(dir, "unbound_control.pem"), "utf8");
    const r = await unboundCommand(
      {
        host: ADDRESS,
        port: PORT,
        tls: {
          serverCert: wrong,
          clientCert: wrong,
          clientKey: readFileSync(path.join(dir, "unbound_control.key"), "utf8"),
        },
      },
      "list_insecure",
      2000,
    );
    expect(r.ok).toBe(false);
  });

  it("a command Unbound does not know comes back as its own error message", async () => {
    const r = await adapter.flush("example.");
    expect(r.ok).toBe(true);
    const raw = await unboundCommand(
      {
        host: ADDRESS,
        port: PORT,
        tls: {
          serverCert: readFileSync(path.join(dir, "unbound_server.pem"), "utf8"),
          clientCert: readFileSync(path.join(dir, "unbound_control.pem"), "utf8"),
          clientKey: readFileSync(path.join(dir, "unbound_control.key"), "utf8"),
        },
      },
      "no_such_command",
      2000,
    );
    expect(raw.ok && raw.value.trim()).toBe("error unknown command 'no_such_command'");
  });
});
