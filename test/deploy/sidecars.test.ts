/**
 * The sidecar examples: nta-watch and a resolver sharing a network namespace
 * and a control channel (compose files for Unbound and BIND, a Kubernetes Pod
 * for Unbound). Checked for the wiring a typo would break: the same socket
 * path and volume on both sides, the same rndc key and channel, the group
 * that opens the socket, the token files where the configuration looks. The
 * resolver configurations go through unbound-checkconf and named-checkconf
 * where those programs are installed.
 */

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { MIN_SECRET_LENGTH } from "../../src/service/secrets.js";
import { parseDockerfile } from "./dockerfile.js";
import {
  EXAMPLE_ENV,
  examples,
  groupId,
  manifest,
  read,
  unboundOption,
  type Yaml,
} from "./support.js";

type Service = Record<string, Yaml>;

function compose(file: string): Record<string, Yaml> {
  const found = examples().find((e) => e.file === file);
  if (found?.kind !== "compose") throw new Error(`${file} is not a compose file`);
  return found.data;
}

function ntaConfig(text: string, where: string): Config {
  const result = parseConfig(parse(text), { file: where, env: EXAMPLE_ENV });
  if (!result.ok) throw new Error(`${where}: ${JSON.stringify(result.errors)}`);
  return result.config;
}

/** "SOURCE:TARGET[:ro]" of a compose volume entry. */
function mounts(service: Service): { source: string; target: string }[] {
  return (service.volumes as string[]).map((v) => {
    const [source, target] = v.split(":");
    return { source: source!, target: target! };
  });
}

/** The file a compose service mounts at `target`, relative to the repository. */
function mountedFile(dir: string, service: Service, target: string): string {
  const m = mounts(service).find((x) => x.target === target);
  if (!m) throw new Error(`nothing mounted at ${target}`);
  return path.posix.join(dir, m.source);
}

function available(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`]).status === 0;
}

const UNBOUND_GID = groupId(read("config/sidecar-unbound/unbound.Dockerfile"), "unbound");
const dockerfile = parseDockerfile(read("Dockerfile"));
const NTA_WATCH_UID = dockerfile.stages
  .flatMap((s) => s.instructions)
  .filter((i) => i.keyword === "USER")
  .at(-1)!
  .args.split(":")[0];

/**
 * Runs unbound-checkconf on `text` with the paths only a container has
 * (the state folder with its root key) moved to a temporary folder.
 */
function unboundCheckconf(text: string): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "nta-watch-unbound-"));
  writeFileSync(path.join(dir, "root.key"), read("config/anchors/root.ds"));
  const conf = path.join(dir, "unbound.conf");
  writeFileSync(conf, text.replaceAll("/var/lib/unbound", dir));
  const r = spawnSync("unbound-checkconf", [conf], { encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("Unbound sidecar (compose)", () => {
  const dir = "config/sidecar-unbound";
  const file = compose(`${dir}/compose.yaml`);
  const unbound = file.services.unbound as Service;
  const watcher = file.services["nta-watch"] as Service;
  const config = ntaConfig(
    read(mountedFile(dir, watcher, "/etc/nta-watch/config.yaml")),
    `${dir}/nta-watch.yaml`,
  );
  const unboundConf = read(mountedFile(dir, unbound, "/etc/unbound/unbound.conf"));
  const socket = config.resolvers.find((r) => r.adapter === "unbound");

  it("nta-watch runs in Unbound's network namespace and asks it at 127.0.0.1", () => {
    expect(watcher.network_mode).toBe("service:unbound");
    const vantage = config.vantages.find((v) => v.name === socket?.name);
    expect(vantage).toMatchObject({ address: "127.0.0.1", software: "unbound", managed: true });
  });

  it("both containers mount one volume where the control socket is, at the same path", () => {
    expect(socket?.adapter === "unbound" && socket.socket).toBeTruthy();
    const path_ = socket!.adapter === "unbound" ? socket!.socket! : "";
    expect(unboundOption(unboundConf, "control-interface")).toBe(path_);
    const folder = path.posix.dirname(path_);
    const a = mounts(unbound).find((m) => m.target === folder);
    const b = mounts(watcher).find((m) => m.target === folder);
    expect(a?.source).toBeDefined();
    expect(a?.source).toBe(b?.source);
    // A named volume, not a folder of the host.
    expect(Object.keys(file.volumes)).toContain(a!.source);
  });

  it("nta-watch runs as the image's user and joins the group that owns the socket", () => {
    expect(UNBOUND_GID).toBeDefined();
    expect(String(watcher.user).split(":")[0]).toBe(NTA_WATCH_UID);
    expect((watcher.group_add as string[]).map(Number)).toContain(UNBOUND_GID);
    // Unbound gives the socket to the group of its `username`.
    expect(unboundOption(unboundConf, "username")).toBe("unbound");
  });

  it("the API token is a compose secret at the path the configuration names", () => {
    const tokens = config.api.tokens.map((t) => t.file);
    for (const name of watcher.secrets as string[]) {
      expect(Object.keys(file.secrets)).toContain(name);
    }
    expect(
      tokens.every((t) => (watcher.secrets as string[]).some((n) => t === `/run/secrets/${n}`)),
    ).toBe(true);
  });

  it("the API's port is published, on the host's loopback, from the namespace's owner", () => {
    const ports = unbound.ports as string[];
    expect(ports).toContain(`127.0.0.1:${config.api.port}:${config.api.port}/tcp`);
    expect(config.api.listen).toBe("0.0.0.0");
  });

  it("nta-watch's image is built from the repository's Dockerfile", () => {
    expect(path.posix.normalize(path.posix.join(dir, watcher.build.context))).toBe(".");
    expect(watcher.depends_on.unbound.condition).toBe("service_healthy");
  });

  it.skipIf(!available("unbound-checkconf"))("unbound-checkconf accepts unbound.conf", () => {
    const r = unboundCheckconf(unboundConf);
    expect(r.status, r.output).toBe(0);
  });

  it.skipIf(!available("unbound-checkconf"))("unbound-checkconf finds a misspelt option", () => {
    const r = unboundCheckconf(unboundConf.replace("control-enable:", "control-enabled:"));
    expect(r.status).not.toBe(0);
  });
});

describe("BIND sidecar (compose)", () => {
  const dir = "config/sidecar-bind";
  const file = compose(`${dir}/compose.yaml`);
  const bind = file.services.bind as Service;
  const watcher = file.services["nta-watch"] as Service;
  const config = ntaConfig(
    read(mountedFile(dir, watcher, "/etc/nta-watch/config.yaml")),
    `${dir}/nta-watch.yaml`,
  );
  const namedConf = read(mountedFile(dir, bind, "/etc/bind/named.conf"));
  const resolver = config.resolvers.find((r) => r.adapter === "bind");
  const controls = /inet\s+(\S+)\s+port\s+(\d+)\s+allow\s*\{[^}]*\}\s*keys\s*\{\s*"([^"]+)"/.exec(
    namedConf,
  );

  it("nta-watch runs in BIND's network namespace and asks it at 127.0.0.1", () => {
    expect(watcher.network_mode).toBe("service:bind");
    const vantage = config.vantages.find((v) => v.name === resolver?.name);
    expect(vantage).toMatchObject({ address: "127.0.0.1", software: "bind", managed: true });
  });

  it("rndc reaches the controls channel named.conf opens", () => {
    expect(resolver?.adapter).toBe("bind");
    if (resolver?.adapter !== "bind") return;
    expect(controls).not.toBeNull();
    expect(resolver.host).toBe(controls![1]);
    expect(resolver.port).toBe(Number(controls![2]));
  });

  it("both containers read one rndc key, a secret file, which named.conf includes", () => {
    if (resolver?.adapter !== "bind") throw new Error("no bind resolver");
    const secret = path.posix.basename(resolver.keyFile!);
    expect(resolver.keyFile).toBe(`/run/secrets/${secret}`);
    expect(bind.secrets).toContain(secret);
    expect(watcher.secrets).toContain(secret);
    expect(file.secrets[secret].file).toMatch(/^\.\/secrets\//);
    expect(namedConf).toContain(`include "${resolver.keyFile}";`);
  });

  it("the key the compose file says to generate has the name named.conf expects", () => {
    const text = read(`${dir}/compose.yaml`);
    const made = /tsig-keygen\s+[^\n>]*?\s(\S+)\s*>\s*secrets\/rndc-key/.exec(text);
    expect(made?.[1]).toBe(controls?.[3]);
  });

  it("nta-watch's image is the Dockerfile's target with rndc", () => {
    const target = dockerfile.stages.find((s) => s.name === watcher.build.target);
    expect(target).toBeDefined();
    const installs = target!.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
    expect(installs.some((r) => r.includes("bind9-utils"))).toBe(true);
    expect(resolver?.adapter === "bind" && resolver.rndc).toBe("rndc");
  });

  it("both containers keep one time zone: rndc nta -dump prints local times", () => {
    expect(bind.environment.TZ).toBeDefined();
    expect(watcher.environment.TZ).toBe(bind.environment.TZ);
  });

  it.skipIf(!available("named-checkconf"))(
    "named-checkconf accepts named.conf with a key of that name",
    () => {
      const tmp = mkdtempSync(path.join(tmpdir(), "nta-watch-bind-"));
      // A made-up HMAC-SHA256 secret (32 bytes of zeros): only the syntax matters.
      const key = `key "${controls![3]}" {\n  algorithm hmac-sha256;\n  secret "${Buffer.alloc(32).toString("base64")}";\n};\n`;
      writeFileSync(path.join(tmp, "rndc-key"), key);
      const conf = path.join(tmp, "named.conf");
      writeFileSync(
        conf,
        namedConf
          .replace(`"/run/secrets/rndc-key"`, `"${path.join(tmp, "rndc-key")}"`)
          .replace(`"/var/cache/bind"`, `"${tmp}"`),
      );
      const r = spawnSync("named-checkconf", [conf], { encoding: "utf8" });
      expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    },
  );
});

describe("Unbound sidecar (Kubernetes Pod)", () => {
  const found = examples().find((e) => e.file === "config/kubernetes/nta-watch-unbound.yaml");
  if (found?.kind !== "kubernetes") throw new Error("no Kubernetes manifests");
  const docs = found.documents;
  const pod = manifest(docs, "Pod");
  const containers = pod.spec.containers as Service[];
  const unbound = containers.find((c) => c.name === "unbound")!;
  const watcher = containers.find((c) => c.name === "nta-watch")!;
  const volumes = pod.spec.volumes as Service[];
  /** The volume a container mounts at `target`, and how. */
  const mountAt = (c: Service, target: string) =>
    (c.volumeMounts as Service[]).find((m) => m.mountPath === target);
  const volumeOf = (name: string) => volumes.find((v) => v.name === name)!;

  const configPath = (watcher.args as string[])[
    (watcher.args as string[]).indexOf("--config") + 1
  ]!;
  const configMount = mountAt(watcher, path.posix.dirname(configPath))!;
  const configMap = manifest(docs, "ConfigMap", volumeOf(configMount.name).configMap.name);
  const config = ntaConfig(configMap.data[path.posix.basename(configPath)], "Pod configuration");
  const unboundMount = mountAt(unbound, "/etc/unbound/unbound.conf")!;
  const unboundConf: string = manifest(
    docs,
    "ConfigMap",
    volumeOf(unboundMount.name).configMap.name,
  ).data[unboundMount.subPath];

  it("has the two containers, the configuration in a ConfigMap and the tokens in a Secret", () => {
    expect(containers.map((c) => c.name).sort()).toEqual(["nta-watch", "unbound"]);
    expect(configMount.readOnly).toBe(true);
    expect(manifest(docs, "Secret")).toBeDefined();
  });

  it("an emptyDir holds the control socket, mounted at the same path in both containers", () => {
    const r = config.resolvers.find((x) => x.adapter === "unbound");
    const socket = r?.adapter === "unbound" ? r.socket! : "";
    expect(unboundOption(unboundConf, "control-interface")).toBe(socket);
    const folder = path.posix.dirname(socket);
    const a = mountAt(unbound, folder);
    const b = mountAt(watcher, folder);
    expect(a?.name).toBeDefined();
    expect(a?.name).toBe(b?.name);
    expect(volumeOf(a!.name).emptyDir).toBeDefined();
    expect(config.vantages.find((v) => v.name === r?.name)?.address).toBe("127.0.0.1");
  });

  it("nta-watch runs as the image's non-root user, in the group that owns the socket", () => {
    expect(watcher.securityContext.runAsNonRoot).toBe(true);
    expect(String(watcher.securityContext.runAsUser)).toBe(NTA_WATCH_UID);
    expect(pod.spec.securityContext.supplementalGroups).toContain(UNBOUND_GID);
    expect(unboundOption(unboundConf, "username")).toBe("unbound");
  });

  it("the token files the configuration names are keys of the mounted Secret", () => {
    for (const token of config.api.tokens) {
      const mount = mountAt(watcher, path.posix.dirname(token.file!));
      expect(mount, token.file).toBeDefined();
      const secret = manifest(docs, "Secret", volumeOf(mount!.name).secret.secretName);
      expect(Object.keys(secret.stringData ?? secret.data)).toContain(
        path.posix.basename(token.file!),
      );
    }
  });

  it("the Secret's placeholder token is too short to start with, until replaced", () => {
    const secret = manifest(docs, "Secret");
    for (const value of Object.values(secret.stringData as Record<string, string>)) {
      expect(value.length).toBeLessThan(MIN_SECRET_LENGTH);
    }
  });

  it("the store is on a persistent volume claim", () => {
    const folder = path.posix.dirname(config.store.path);
    const mount = mountAt(watcher, folder);
    const claim = volumeOf(mount!.name).persistentVolumeClaim.claimName;
    expect(manifest(docs, "PersistentVolumeClaim", claim)).toBeDefined();
  });

  it("the probes ask /healthz on the port the configuration listens on, on the Pod's address", () => {
    const port = (watcher.ports as Service[]).find((p) => p.containerPort === config.api.port);
    expect(port).toBeDefined();
    for (const probe of ["startupProbe", "livenessProbe", "readinessProbe"]) {
      expect(watcher[probe].httpGet.path, probe).toBe("/healthz");
      expect([port!.name, port!.containerPort], probe).toContain(watcher[probe].httpGet.port);
    }
    expect(config.api.listen).toBe("0.0.0.0");
  });

  it.skipIf(!available("unbound-checkconf"))("unbound-checkconf accepts its unbound.conf", () => {
    const r = unboundCheckconf(unboundConf);
    expect(r.status, r.output).toBe(0);
  });
});
