/**
 * Reads the hex packet files copied from Unbound's test data. Two layouts:
 * "line" files hold one packet per hex line, entries separated by blank
 * lines and led by a short decimal entry number; "block" files spread a
 * packet over several hex lines, with ';' comments, and separate packets by
 * blank lines or comment lines starting with ";--".
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface FixturePacket {
  file: string;
  /** Position in the file, from 0. */
  index: number;
  /** The comments written before the packet (block files), or its entry number. */
  note: string;
  bytes: Uint8Array;
}

const DIR = fileURLToPath(new URL("../fixtures/packets/", import.meta.url));

export const LINE_FILES = ["unbound_test_packets.2", "unbound_test_packets.3"];
export const BLOCK_FILES = [4, 5, 6, 7, 8, 9].map((n) => `unbound_test_packets.${n}`);

function hexToBytes(hex: string, where: string): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`bad hex in ${where}`);
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

export function readPacketFile(file: string): FixturePacket[] {
  const text = readFileSync(DIR + file, "utf8");
  const lines = text.split(/\r?\n/);
  const out: FixturePacket[] = [];
  if (LINE_FILES.includes(file)) {
    let entry = "";
    for (const raw of lines) {
      const line = raw.trim();
      if (line === "" || line.startsWith(";")) continue;
      if (/^[0-9]{1,9}$/.test(line)) {
        entry = line;
        continue;
      }
      const bytes = hexToBytes(line.replace(/\s+/g, ""), `${file} entry ${entry}`);
      out.push({ file, index: out.length, note: entry, bytes });
    }
    return out;
  }
  let hex = "";
  let note: string[] = [];
  const flush = (): void => {
    if (hex !== "") {
      const where = `${file} packet ${out.length}`;
      out.push({ file, index: out.length, note: note.join(" "), bytes: hexToBytes(hex, where) });
      note = [];
    }
    hex = "";
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";--")) {
      flush();
      if (line.startsWith(";--")) note.push(line.replace(/^;-+\s*/, ""));
      continue;
    }
    const semi = line.indexOf(";");
    if (semi === 0) {
      if (hex === "") note.push(line.slice(1).trim());
      continue;
    }
    hex += (semi > 0 ? line.slice(0, semi) : line).replace(/\s+/g, "");
  }
  flush();
  return out;
}

export function readAllPackets(): FixturePacket[] {
  return [...LINE_FILES, ...BLOCK_FILES].flatMap(readPacketFile);
}
