/**
 * The comments of the lab's scripts and of the shipped configurations name
 * only documents that exist: lab.sh pointed to a lab/README.md there never
 * was, config/default.yaml to a SCENARIOS.md outside the lab.
 */

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Tracked files whose comments are checked. */
const files = execFileSync("git", ["ls-files", "lab/*.sh", "lab/lib/*.sh", "config/*.yaml"], {
  encoding: "utf8",
})
  .split("\n")
  .filter(Boolean);

/** Every `something.md` a comment line of `file` names, with its line number. */
function namedDocuments(file: string): { line: number; name: string }[] {
  const found: { line: number; name: string }[] = [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      const comment = /(?:^|\s)#(.*)$/.exec(text)?.[1];
      for (const m of comment?.matchAll(/[\w./-]+\.md\b/g) ?? []) {
        found.push({ line: i + 1, name: m[0] });
      }
    });
  return found;
}

/** A name resolves from the repository's root or from the naming file's folder. */
const exists = (file: string, name: string): boolean =>
  existsSync(name) || existsSync(path.join(path.dirname(file), name));

describe("documents named in the lab's and the configurations' comments", () => {
  it("covers lab.sh and the default configuration", () => {
    expect(files).toEqual(expect.arrayContaining(["lab/lab.sh", "config/default.yaml"]));
  });

  it("lab.sh points to the lab's documentation", () => {
    expect(namedDocuments("lab/lab.sh").map((d) => d.name)).toContain("docs/lab.md");
  });

  it("every named document exists", () => {
    const missing = files.flatMap((file) =>
      namedDocuments(file)
        .filter((d) => !exists(file, d.name))
        .map((d) => `${file}:${d.line}: ${d.name}`),
    );
    expect(missing).toEqual([]);
  });
});
