/**
 * The operator's commands, over the HTTP API of a running `nta-watch serve`:
 *
 *   status [ZONE]                       zones and phases; one zone with its preconditions
 *   confirm ZONE --reference REF [--expires-in DUR]
 *   approve ZONE --reason TEXT [--lifetime DUR]
 *   reject  ZONE --reason TEXT
 *   retract ZONE --reason TEXT
 *   extend  ZONE --lifetime DUR --reason TEXT
 *   incident ZONE|ID [--markdown | --json]  the incident's timeline report
 *
 * Common options: --url (or NTA_WATCH_URL; default http://127.0.0.1:9753),
 * --token-file FILE (or NTA_WATCH_TOKEN), --json; -h/--help prints the
 * command's usage. An option another command takes is a usage error here.
 * Exit status: 0 done, 1 the API refused or could not be reached, 2 usage error.
 */

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseDuration } from "../config/duration.js";
import { ApiClient, type Reply } from "./operator-client.js";
import {
  renderPreconditions,
  renderZoneLine,
  renderZones,
  type ZoneView,
} from "./operator-render.js";

export interface OperatorIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
}

const defaultIo: OperatorIo = {
  out: (t) => console.log(t),
  err: (t) => console.error(t),
  env: process.env,
};

export const OPERATOR_COMMANDS = [
  "status",
  "confirm",
  "approve",
  "reject",
  "retract",
  "extend",
  "incident",
] as const;
type Name = (typeof OPERATOR_COMMANDS)[number];

class Usage extends Error {}

const OPTIONS = {
  url: { type: "string" },
  "token-file": { type: "string" },
  json: { type: "boolean", default: false },
  reason: { type: "string" },
  reference: { type: "string" },
  lifetime: { type: "string" },
  "expires-in": { type: "string" },
  markdown: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

type Option = keyof typeof OPTIONS;
const COMMON: readonly Option[] = ["url", "token-file", "json", "help"];

/** Each command: its arguments, what it does, and the options it takes besides the common ones. */
const COMMANDS: Record<Name, { synopsis: string; what: string; takes: readonly Option[] }> = {
  status: {
    synopsis: "status [ZONE]",
    what: "every zone and its phase; with ZONE, that zone and its three preconditions",
    takes: [],
  },
  confirm: {
    synopsis: "confirm ZONE --reference REF [--expires-in DURATION]",
    what: "records a public confirmation of the zone's breakage (a URL or ticket as REF)",
    takes: ["reference", "expires-in"],
  },
  approve: {
    synopsis: "approve ZONE --reason TEXT [--lifetime DURATION]",
    what: "approves the zone's proposed NTA, with the proposal's lifetime or the one given",
    takes: ["reason", "lifetime"],
  },
  reject: {
    synopsis: "reject ZONE --reason TEXT",
    what: "rejects the zone's proposed NTA",
    takes: ["reason"],
  },
  retract: {
    synopsis: "retract ZONE --reason TEXT",
    what: "retracts the zone's NTA now",
    takes: ["reason"],
  },
  extend: {
    synopsis: "extend ZONE --lifetime DURATION --reason TEXT",
    what: "gives the zone's NTA a new lifetime from now",
    takes: ["lifetime", "reason"],
  },
  incident: {
    synopsis: "incident ZONE|ID [--markdown | --json]",
    what:
      "the timeline report of the incident ID, or of the zone's latest incident: Markdown\n" +
      "  by default (--markdown asks for it explicitly), the report's JSON with --json",
    takes: ["markdown"],
  },
};

/** What `nta-watch NAME --help` prints. */
export function operatorUsage(name: Name): string {
  const c = COMMANDS[name];
  const json = c.synopsis.includes("--json") ? "" : " [--json]";
  const durations = c.takes.includes("lifetime") || c.takes.includes("expires-in");
  return [
    `usage: nta-watch ${c.synopsis} [--url URL] [--token-file FILE]${json}`,
    "",
    `  ${c.what}`,
    "",
    "  --url URL          the API of a running serve (NTA_WATCH_URL; default http://127.0.0.1:9753)",
    "  --token-file FILE  the API token (or the token itself in NTA_WATCH_TOKEN)",
    "  --json             the API's answer as JSON",
    ...(durations
      ? ["  DURATION           seconds, or a number with s, m, h or d: 3600, 90m, 6h, 2d"]
      : []),
    "",
    "exit status: 0 done, 1 the API refused or could not be reached, 2 usage error",
  ].join("\n");
}

function seconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(/^\d+$/.test(text) ? Number(text) : text);
  if (ms === undefined || ms % 1000 !== 0 || ms === 0) {
    throw new Usage(`${flag}: expected a duration such as 3600, "90m", "6h" or "2d"`);
  }
  return ms / 1000;
}

function need(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw new Usage(`${flag} is required`);
  return value;
}

function tokenOf(file: string | undefined, io: OperatorIo): string {
  if (file !== undefined) {
    try {
      return readFileSync(file, "utf8").trim();
    } catch (e) {
      throw new Usage(`--token-file ${file}: ${(e as NodeJS.ErrnoException).code ?? "unreadable"}`);
    }
  }
  const t = io.env.NTA_WATCH_TOKEN?.trim();
  if (!t) throw new Usage("no token: give --token-file FILE or set NTA_WATCH_TOKEN");
  return t;
}

/** Runs one operator command; `args` are those after the command name. */
export async function runOperator(
  name: Name,
  args: string[],
  io: OperatorIo = defaultIo,
): Promise<number> {
  try {
    const { values, positionals, tokens } = parseArgs({
      args,
      options: OPTIONS,
      allowPositionals: true,
      tokens: true,
    });
    if (values.help) {
      io.out(operatorUsage(name));
      return 0;
    }
    const takes = new Set<string>([...COMMON, ...COMMANDS[name].takes]);
    const foreign = tokens.find((t) => t.kind === "option" && !takes.has(t.name));
    if (foreign?.kind === "option") throw new Usage(`${name} does not take ${foreign.rawName}`);
    if (values.markdown && values.json) throw new Usage("--markdown and --json exclude each other");
    if (positionals.length > 1) throw new Usage(`unexpected argument "${positionals[1]}"`);
    const target = positionals[0];
    if (name !== "status" && target === undefined) throw new Usage(`${name} needs a zone`);
    const client = new ApiClient(
      values.url ?? io.env.NTA_WATCH_URL ?? "http://127.0.0.1:9753",
      tokenOf(values["token-file"], io),
    );
    const reply = await perform(name, target, values, client);
    if (!reply.ok) {
      io.err(`nta-watch ${name}: ${reply.message}`);
      if (values.json && reply.body !== undefined) io.out(JSON.stringify(reply.body, null, 2));
      return 1;
    }
    io.out(values.json ? JSON.stringify(reply.body, null, 2) : reply.text);
    return 0;
  } catch (e) {
    if (e instanceof Usage || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`nta-watch ${name}: ${(e as Error).message}\nsee nta-watch ${name} --help`);
      return 2;
    }
    throw e;
  }
}

type Values = { [K in Option]?: string | boolean | undefined };

interface Done {
  ok: true;
  body: unknown;
  text: string;
}

async function perform(
  name: Name,
  zone: string | undefined,
  v: Values,
  api: ApiClient,
): Promise<Done | Reply> {
  const str = (k: Option) => v[k] as string | undefined;
  const zonePath = (z: string) => `/api/v1/zones/${encodeURIComponent(z)}`;
  const acted = (r: Reply, verb: string): Done | Reply =>
    r.ok ? { ok: true, body: r.body, text: `${verb}: ${renderZoneLine(r.body as ZoneView)}` } : r;
  switch (name) {
    case "status": {
      if (zone === undefined) {
        const r = await api.get("/api/v1/zones");
        return r.ok
          ? { ok: true, body: r.body, text: renderZones((r.body as { zones: ZoneView[] }).zones) }
          : r;
      }
      const z = await api.get(zonePath(zone));
      if (!z.ok) return z;
      const p = await api.get(`${zonePath(zone)}/preconditions`);
      const pre = p.ok
        ? (p.body as { preconditions: Parameters<typeof renderPreconditions>[0] })
        : undefined;
      const text = [
        renderZoneLine(z.body as ZoneView),
        pre ? renderPreconditions(pre.preconditions) : "  not assessed yet",
      ];
      return {
        ok: true,
        body: { zone: z.body, preconditions: pre?.preconditions ?? null },
        text: text.join("\n"),
      };
    }
    case "confirm": {
      const expires = seconds(str("expires-in"), "--expires-in");
      const r = await api.post(`${zonePath(zone!)}/confirm`, {
        reference: need(str("reference"), "--reference"),
        ...(expires !== undefined ? { expiresInSeconds: expires } : {}),
      });
      if (!r.ok) return r;
      const b = r.body as { zone: string; phase: string; recorded: boolean };
      const note = b.recorded ? "recorded" : "already recorded";
      return {
        ok: true,
        body: r.body,
        text: `confirmation for ${b.zone} ${note} (zone ${b.phase})`,
      };
    }
    case "approve": {
      const reason = need(str("reason"), "--reason");
      const lifetime = seconds(str("lifetime"), "--lifetime");
      // The proposal as read now: the API refuses the approval if it changes before it lands.
      const z = await api.get(zonePath(zone!));
      if (!z.ok) return z;
      const proposal = (z.body as ZoneView).proposal;
      const body = {
        reason,
        ...(lifetime !== undefined ? { lifetimeSeconds: lifetime } : {}),
        ...(proposal ? { proposalAt: proposal.at } : {}),
      };
      return acted(await api.post(`${zonePath(zone!)}/approve`, body), "approved");
    }
    case "reject":
    case "retract":
      return acted(
        await api.post(`${zonePath(zone!)}/${name}`, { reason: need(str("reason"), "--reason") }),
        `${name}ed`,
      );
    case "extend": {
      const lifetime = seconds(need(str("lifetime"), "--lifetime"), "--lifetime");
      return acted(
        await api.post(`${zonePath(zone!)}/extend`, {
          reason: need(str("reason"), "--reason"),
          lifetimeSeconds: lifetime,
        }),
        "extended",
      );
    }
    case "incident": {
      let id = zone!;
      if (!id.includes("@")) {
        const list = await api.get(`/api/v1/incidents?zone=${encodeURIComponent(id)}`);
        if (!list.ok) return list;
        const latest = (list.body as { incidents: { id: string }[] }).incidents[0];
        if (!latest) return { ok: false, status: 404, message: `no incident recorded for ${id}` };
        id = latest.id;
      }
      const base = `/api/v1/incidents/${encodeURIComponent(id)}/report`;
      if (!v.json) {
        // Markdown, asked for with --markdown or not.
        const md = await api.getText(`${base}.md`);
        return md.ok ? { ok: true, body: md.body, text: md.text } : md;
      }
      const r = await api.get(`${base}.json`);
      return r.ok ? { ok: true, body: r.body, text: "" } : r;
    }
  }
}
