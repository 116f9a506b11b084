/**
 * One DNS query with dig (bind9-dnsutils), for end-to-end tests: an answer
 * computed by a tool independent of the project's own DNS code.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ExtendedError {
  /** RFC 8914 INFO-CODE. */
  code: number;
  /** dig's name of the code and the EXTRA-TEXT, as printed. */
  text: string;
}

export interface DigResult {
  /** RCODE name (NOERROR, SERVFAIL, NXDOMAIN, ...), or TIMEOUT when no answer came. */
  status: string;
  /** Header flags in lower case: qr, aa, rd, ra, ad, cd. */
  flags: string[];
  ede: ExtendedError[];
  /** Answer and authority records, one presentation-format line each. */
  answer: string[];
  authority: string[];
}

export interface DigOptions {
  /** RD bit; default true (a resolver). False for an authoritative server. */
  recurse?: boolean;
  /** DO bit; default true. */
  dnssec?: boolean;
  /** CD bit; default false. */
  checkingDisabled?: boolean;
  /** Seconds to wait for the single try; default 20 (BIND can take 12 s to give up on a bogus zone). */
  timeoutSeconds?: number;
}

function section(lines: string[], title: string): string[] {
  const start = lines.indexOf(`;; ${title} SECTION:`);
  if (start < 0) return [];
  const end = lines.indexOf("", start);
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .map((line) => line.replace(/\s+/g, " ").trim());
}

/** Parses dig's default output. */
export function parseDig(output: string): DigResult {
  const lines = output.split("\n");
  const status = /status: ([A-Z]+)/.exec(output)?.[1];
  const flags = /;; flags:([a-z ]*);/.exec(output)?.[1]?.trim().split(/\s+/) ?? [];
  const ede: ExtendedError[] = [];
  for (const line of lines) {
    const match = /^; EDE: (\d+)(.*)$/.exec(line);
    if (match) ede.push({ code: Number(match[1]), text: (match[2] ?? "").trim() });
  }
  return {
    status: status ?? "TIMEOUT",
    flags,
    ede,
    answer: section(lines, "ANSWER"),
    authority: section(lines, "AUTHORITY"),
  };
}

export async function dig(
  server: string,
  name: string,
  type = "A",
  options: DigOptions = {},
): Promise<DigResult> {
  const args = [
    `@${server}`,
    name,
    type,
    "+tries=1",
    `+time=${options.timeoutSeconds ?? 20}`,
    options.recurse === false ? "+norec" : "+rec",
    options.dnssec === false ? "+nodnssec" : "+dnssec",
    options.checkingDisabled ? "+cd" : "+nocd",
    "+nocmd",
    "+nostats",
  ];
  try {
    const { stdout } = await run("dig", args, { timeout: 60_000 });
    return parseDig(stdout);
  } catch (error) {
    // dig exits 9 when no server answered.
    const failure = error as { code?: number; stdout?: string };
    if (failure.code === 9) return parseDig(failure.stdout ?? "");
    throw error;
  }
}

/** The RDATA of the answer records of one type, e.g. the addresses of an A query. */
export function rdataOf(result: DigResult, type: string): string[] {
  return result.answer
    .map((line) => line.split(" "))
    .filter((fields) => fields[3] === type)
    .map((fields) => fields.slice(4).join(" "));
}
