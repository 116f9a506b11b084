/**
 * Just enough of the Dockerfile format to check the image's shape without a
 * Docker engine: instructions (continuation lines joined, comments and
 * parser directives dropped), build stages, COPY sources and destinations,
 * and the .dockerignore patterns that decide what the build context holds.
 */

import path from "node:path";

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string | undefined;
  /** The image or earlier stage this one starts from. */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARG instructions before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
}

/** Splits a Dockerfile into instructions grouped by stage. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split("\n");
  let pending: { text: string; line: number } | undefined;
  lines.forEach((raw, i) => {
    const trimmed = raw.trim();
    // Comments (and parser directives) only at the start of a line; inside a
    // continued instruction they are dropped too, as Docker does.
    if (trimmed.startsWith("#") || (trimmed === "" && pending === undefined)) return;
    const continued = trimmed.endsWith("\\");
    const part = continued ? trimmed.slice(0, -1) : trimmed;
    pending = pending
      ? { text: `${pending.text} ${part}`, line: pending.line }
      : { text: part, line: i + 1 };
    if (!continued) {
      const m = /^(\S+)\s*(.*)$/s.exec(pending.text.trim());
      if (m)
        instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: pending.line });
      pending = undefined;
    }
  });
  if (pending) throw new Error(`line ${pending.line}: continuation at the end of the file`);

  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      const as = words.findIndex((w) => w.toUpperCase() === "AS");
      stages.push({
        from: words[0]!,
        name: as >= 0 ? words[as + 1] : undefined,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (ins.keyword !== "ARG") throw new Error(`line ${ins.line}: ${ins.keyword} before FROM`);
      const [name, value] = ins.args.split("=", 2) as [string, string | undefined];
      globalArgs.set(name.trim(), value);
    } else {
      stages.at(-1)!.instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

/** `${NAME}` and `$NAME` replaced by the global ARG defaults. */
export function expandArgs(text: string, args: Map<string, string | undefined>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => {
    const v = args.get((a ?? b)!);
    return v === undefined ? whole : v;
  });
}

/** The words of a JSON-array ("exec form") argument, or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === "string")) {
    throw new Error(`not a JSON array of strings: ${args}`);
  }
  return parsed;
}

export interface Copy {
  /** --from=STAGE, or undefined for the build context. */
  from: string | undefined;
  sources: string[];
  dest: string;
  line: number;
}

export function copiesOf(stage: Stage): Copy[] {
  return stage.instructions
    .filter((i) => i.keyword === "COPY" || i.keyword === "ADD")
    .map((i) => {
      const words = execForm(i.args) ?? i.args.split(/\s+/);
      const flags = words.filter((w) => w.startsWith("--"));
      const rest = words.filter((w) => !w.startsWith("--"));
      const from = flags.find((f) => f.startsWith("--from="))?.slice("--from=".length);
      return { from, sources: rest.slice(0, -1), dest: rest.at(-1)!, line: i.line };
    });
}

/**
 * Where `source` of `copy` lands: the destination taken from the stage's
 * WORKDIR at that point, and a destination ending in "/" (or ".") a folder
 * the source is put into under its own name.
 */
export function resolveDest(stage: Stage, copy: Copy, source: string): string {
  let workdir = "/";
  for (const i of stage.instructions) {
    if (i.line > copy.line) break;
    if (i.keyword === "WORKDIR") workdir = path.posix.resolve(workdir, i.args);
  }
  const dest = path.posix.resolve(workdir, copy.dest);
  const intoFolder = copy.dest.endsWith("/") || copy.dest === ".";
  return intoFolder ? path.posix.join(dest, path.posix.basename(source)) : dest;
}

/** The last value of an instruction in a stage or the stages it starts from. */
export function effective(
  file: Dockerfile,
  stage: Stage,
  keyword: string,
): Instruction | undefined {
  for (let s: Stage | undefined = stage; s; s = file.stages.find((x) => x.name === s!.from)) {
    const found = s.instructions.filter((i) => i.keyword === keyword).at(-1);
    if (found) return found;
  }
  return undefined;
}

/** A .dockerignore pattern as a regular expression over slash-separated paths. */
function patternToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*" && pattern[i + 1] === "*") {
      // "**/" is any number of folders, none included; "**" at the end is anything.
      i++;
      if (pattern[i + 1] === "/") {
        out += "(?:.*/)?";
        i++;
      } else out += ".*";
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/**
 * Whether the build context leaves `file` out: the last pattern that matches
 * the path or one of its parent folders decides, `!` bringing it back.
 */
export function ignoredByDockerignore(text: string, file: string): boolean {
  const rules = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const body = path.posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+/, "");
      return { negate, re: patternToRegExp(body) };
    });
  const parts = path.posix.normalize(file).split("/");
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    if (prefixes.some((p) => rule.re.test(p))) ignored = !rule.negate;
  }
  return ignored;
}
