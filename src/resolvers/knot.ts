/**
 * Knot Resolver 5, through the control socket of each kresd process (a Unix
 * socket that evaluates one line of Lua per request). The socket is put in
 * binary mode ("__binary"), in which every reply is a four-octet big-endian
 * length and the printed value of the expression.
 *
 * `trust_anchors.set_insecure(list)` replaces the whole NTA list, so adding
 * or removing one reads `trust_anchors.insecure`, merges and writes the list
 * back, all in one Lua chunk so that nothing runs in between. Names come back
 * hex-encoded so that any name a person added reads back exactly. After each
 * change the cache below the zone is cleared (`cache.clear(zone)`, the whole
 * subtree; with `exact_name` true only the apex records would go).
 *
 * kresd processes share the cache but not their NTA list: every process's
 * socket is configured and each one gets every change. NTAs set over the
 * socket are lost when a process restarts.
 *
 * Knot Resolver 6 is managed through its manager's HTTP API instead: see
 * knot6.ts.
 */
import net from "node:net";
import {
  controlZone,
  fail,
  normalizeListed,
  ok,
  socketFailure,
  done,
  type AddOptions,
  type NtaEntry,
  type ResolverAdapter,
  type Result,
} from "./types.js";

const MAX_REPLY = 1 << 20;

/**
 * Sends `__binary` and then each line, and returns one reply per line. The
 * server greets with the prompt "> " before binary framing starts.
 */
export function kresdCommands(
  socketPath: string,
  lines: readonly string[],
  timeoutMs: number,
): Promise<Result<string[]>> {
  for (const l of lines) if (/[\r\n]/.test(l)) throw new TypeError("a kresd command is one line");
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let greeted = false;
    const replies: string[] = [];
    let settled = false;
    const socket = net.createConnection({ path: socketPath });
    const finish = (r: Result<string[]>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish(fail("timeout", `${socketPath}: no complete reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once("connect", () => {
      socket.write("__binary\n" + lines.map((l) => `${l}\n`).join(""));
    });
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!greeted) {
        if (buffer.length < 2) return;
        if (buffer.subarray(0, 2).toString("latin1") !== "> ") {
          finish(fail("bad-reply", `${socketPath}: not a kresd control socket`));
          return;
        }
        greeted = true;
        buffer = buffer.subarray(2);
      }
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0);
        if (length > MAX_REPLY) {
          finish(fail("bad-reply", `${socketPath}: reply of ${length} octets`));
          return;
        }
        if (buffer.length < 4 + length) break;
        replies.push(buffer.subarray(4, 4 + length).toString("utf8"));
        buffer = buffer.subarray(4 + length);
      }
      if (replies.length === lines.length) finish(ok(replies));
    });
    socket.on("error", (err: NodeJS.ErrnoException) => finish(socketFailure(socketPath, err)));
    socket.on("close", () =>
      finish(
        fail(
          "bad-reply",
          `${socketPath}: closed after ${replies.length} of ${lines.length} replies`,
        ),
      ),
    );
  });
}

// Lua helpers, one line each: hex-encode a string; run a body under pcall
// and print "ok <result>" or "error <hex of the message>".
const HEX = `local function hex(s) return (tostring(s):gsub('.', function(c) return string.format('%02x', c:byte()) end)) end`;
const wrap = (body: string): string =>
  `(function() ${HEX} local done, r = pcall(function() ${body} end) if done then return 'ok ' .. tostring(r) else return 'error ' .. hex(r) end end)()`;

/** Lua: the NTA list, each name hex-encoded, separated by spaces. */
export const LUA_LIST = wrap(
  `local out = {} for _, n in ipairs(trust_anchors.insecure) do out[#out + 1] = hex(n) end return table.concat(out, ' ')`,
);

/** Lua: the list with `zone` added when no entry names it, written back whole. */
export function luaAdd(zone: string): string {
  return wrap(
    `local want = kres.str2dname('${zone}') local l = {} local have = false ` +
      `for _, n in ipairs(trust_anchors.insecure) do l[#l + 1] = n if kres.str2dname(n) == want then have = true end end ` +
      `if not have then l[#l + 1] = '${zone}' end trust_anchors.set_insecure(l) return #l`,
  );
}

/** Lua: the list without any entry naming `zone`, written back whole. */
export function luaRemove(zone: string): string {
  return wrap(
    `local want = kres.str2dname('${zone}') local l = {} ` +
      `for _, n in ipairs(trust_anchors.insecure) do if kres.str2dname(n) ~= want then l[#l + 1] = n end end ` +
      `trust_anchors.set_insecure(l) return #l`,
  );
}

/** Lua: clear the cache at and below `zone`. */
export function luaFlush(zone: string): string {
  return wrap(`local r = cache.clear('${zone}') return r.count or 0`);
}

const fromHex = (h: string): string => Buffer.from(h, "hex").toString("utf8");

/** Reads a reply of a wrapped chunk: the quoted "ok ..." or "error <hex>". */
export function parseWrapped(reply: string): Result<string> {
  const text = reply.trim().replace(/^'(.*)'$/s, "$1");
  if (text.startsWith("ok ")) return ok(text.slice(3));
  if (text === "ok") return ok("");
  if (text.startsWith("error ")) return fail("rejected", fromHex(text.slice(6).trim()));
  return fail("bad-reply", `unexpected kresd reply: ${reply.slice(0, 200)}`);
}

/** The names of a LUA_LIST reply. */
export function parseInsecureList(payload: string): NtaEntry[] {
  return payload
    .split(" ")
    .filter((h) => /^(?:[0-9a-f]{2})+$/.test(h))
    .map((h) => {
      const raw = fromHex(h);
      return { zone: normalizeListed(raw), raw };
    });
}

export interface KnotOptions {
  name: string;
  /** The control socket of every kresd process of this resolver. */
  sockets: readonly string[];
  timeoutMs: number;
}

export class KnotResolverAdapter implements ResolverAdapter {
  readonly kind = "knot-resolver" as const;
  readonly name: string;
  private readonly sockets: readonly string[];
  private readonly timeoutMs: number;

  constructor(options: KnotOptions) {
    if (options.sockets.length === 0) throw new RangeError("at least one kresd control socket");
    this.name = options.name;
    this.sockets = options.sockets;
    this.timeoutMs = options.timeoutMs;
  }

  private async eval(socketPath: string, line: string): Promise<Result<string>> {
    const r = await kresdCommands(socketPath, [line], this.timeoutMs);
    if (!r.ok) return r;
    const parsed = parseWrapped(r.value[0]!);
    if (!parsed.ok) return fail(parsed.error.kind, `${socketPath}: ${parsed.error.message}`);
    return parsed;
  }

  /** Runs the line on every process; the first failure is the result. */
  private async everywhere(line: string): Promise<Result> {
    for (const s of this.sockets) {
      const r = await this.eval(s, line);
      if (!r.ok) return r;
    }
    return done;
  }

  /** The union over the processes; an entry that only some hold is `partial`. */
  async list(): Promise<Result<NtaEntry[]>> {
    const seen = new Map<string, { entry: NtaEntry; count: number }>();
    for (const s of this.sockets) {
      const r = await this.eval(s, LUA_LIST);
      if (!r.ok) return r;
      const here = new Set<string>();
      for (const e of parseInsecureList(r.value)) {
        if (here.has(e.zone)) continue;
        here.add(e.zone);
        const known = seen.get(e.zone);
        if (known) known.count++;
        else seen.set(e.zone, { entry: e, count: 1 });
      }
    }
    return ok(
      [...seen.values()].map(({ entry, count }) =>
        count === this.sockets.length ? entry : { ...entry, partial: true },
      ),
    );
  }

  async add(zone: string, _options: AddOptions): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const r = await this.everywhere(luaAdd(z.value));
    return r.ok ? this.flush(z.value) : r;
  }

  async remove(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    const r = await this.everywhere(luaRemove(z.value));
    return r.ok ? this.flush(z.value) : r;
  }

  /** Through every process: they may or may not share one cache. */
  async flush(zone: string): Promise<Result> {
    const z = controlZone(zone);
    if (!z.ok) return z;
    return this.everywhere(luaFlush(z.value));
  }
}
