/**
 * The deployment examples under config/: found, read and told apart (an
 * nta-watch configuration, a compose file, Kubernetes manifests).
 */

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const read = (file: string): string => readFileSync(path.join(ROOT, file), "utf8");

/** Values for the `${NAME}` references the examples make (see each file). */
export const EXAMPLE_ENV: Record<string, string> = {
  // example.yaml: the PowerDNS Recursor vantage's address (a documentation address here).
  PDNS_ADDRESS: "192.0.2.55",
  // systemd/config.yaml: set by systemd for LoadCredential=.
  CREDENTIALS_DIRECTORY: "/run/credentials/nta-watch.service",
};

/** Parsed YAML read by key, the shape being what the test checks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any shape, checked by the tests
export type Yaml = any;

export type Example =
  | { kind: "nta-watch"; file: string; data: unknown }
  | { kind: "compose"; file: string; data: Record<string, unknown> }
  | { kind: "kubernetes"; file: string; documents: Record<string, unknown>[] };

function yamlFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const p = path.posix.join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Every YAML file under config/, classified by its content. */
export function examples(): Example[] {
  return yamlFiles("config").map((file): Example => {
    const documents = parseAllDocuments(read(file)).map((d) => {
      if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`);
      return d.toJS() as unknown;
    });
    const first = documents[0] as Record<string, unknown> | null;
    if (documents.every((d) => typeof d === "object" && d !== null && "apiVersion" in d)) {
      return { kind: "kubernetes", file, documents: documents as Record<string, unknown>[] };
    }
    if (documents.length !== 1) throw new Error(`${file}: ${documents.length} documents`);
    if (first !== null && typeof first === "object" && "services" in first) {
      return { kind: "compose", file, data: first };
    }
    return { kind: "nta-watch", file, data: first };
  });
}

/** A Kubernetes object of the manifests by kind and name. */
export function manifest(
  documents: Record<string, unknown>[],
  kind: string,
  name?: string,
): Record<string, Yaml> {
  const found = documents.find(
    (d) =>
      d.kind === kind &&
      (name === undefined || (d.metadata as { name?: string } | undefined)?.name === name),
  );
  if (!found) throw new Error(`no ${kind} ${name ?? ""}`);
  return found as Record<string, Yaml>;
}

/** The value of a key in an Unbound configuration (the last one given). */
export function unboundOption(text: string, key: string): string | undefined {
  const values = [...text.matchAll(new RegExp(`^\\s*${key}:\\s*(.+?)\\s*$`, "gm"))].map((m) =>
    m[1]!.replace(/^"(.*)"$/, "$1"),
  );
  return values.at(-1);
}

/** The gid a Dockerfile gives a group with `groupadd ... --gid N NAME`. */
export function groupId(dockerfile: string, group: string): number | undefined {
  const m = new RegExp(`groupadd\\b[^\\n&]*--gid\\s+(\\d+)\\s+${group}\\b`).exec(dockerfile);
  return m ? Number(m[1]) : undefined;
}
