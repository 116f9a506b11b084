/**
 * The ledger of what nta-watch applied on each resolver, kept in a JSON file
 * so that it outlives a restart of nta-watch: without it, our own NTAs would
 * look like a person's after a restart and never be taken back. Writes go to
 * a temporary file renamed over the old one, so a crash leaves either the
 * old or the new ledger, never half of one.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Ledger } from "./runner.js";

interface LedgerFile {
  version: 1;
  /** resolver name -> zones, sorted. */
  applied: Record<string, string[]>;
}

export class FileLedger implements Ledger {
  private state: Map<string, Set<string>> | undefined;
  /** Writes in the order they were asked for. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  private async load(): Promise<Map<string, Set<string>>> {
    if (this.state) return this.state;
    let parsed: LedgerFile | undefined;
    try {
      parsed = JSON.parse(await readFile(this.file, "utf8")) as LedgerFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    if (parsed !== undefined && (parsed.version !== 1 || typeof parsed.applied !== "object")) {
      throw new Error(`${this.file}: not an NTA ledger of version 1`);
    }
    this.state = new Map(Object.entries(parsed?.applied ?? {}).map(([k, v]) => [k, new Set(v)]));
    return this.state;
  }

  private save(state: Map<string, Set<string>>): Promise<void> {
    const body: LedgerFile = {
      version: 1,
      applied: Object.fromEntries(
        [...state.entries()].filter(([, v]) => v.size > 0).map(([k, v]) => [k, [...v].sort()]),
      ),
    };
    const text = `${JSON.stringify(body, null, 2)}\n`;
    this.writing = this.writing.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, text, { mode: 0o600 });
      await rename(tmp, this.file);
    });
    return this.writing;
  }

  async applied(resolver: string): Promise<ReadonlySet<string>> {
    return new Set((await this.load()).get(resolver) ?? []);
  }

  async recordApplied(resolver: string, zone: string): Promise<void> {
    const state = await this.load();
    const set = state.get(resolver) ?? new Set<string>();
    if (set.has(zone)) return;
    set.add(zone);
    state.set(resolver, set);
    await this.save(state);
  }

  async recordRemoved(resolver: string, zone: string): Promise<void> {
    const state = await this.load();
    if (!state.get(resolver)?.delete(zone)) return;
    await this.save(state);
  }
}
