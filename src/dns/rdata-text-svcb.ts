/**
 * SVCB and HTTPS (RFC 9460): a priority, a target name, then SvcParams as
 * `key=value` in any order on input, sorted by key on the wire (RFC 9460
 * §2.2). Values follow RFC 9460 Appendix A: a <character-string>, and for
 * lists, items separated by commas with "\," for a comma inside an item.
 *
 * Output writes keys in wire order and quotes free-form values as BIND does;
 * RDATA whose parameters are out of order, repeated or malformed goes to the
 * generic form instead.
 */
import { RrType } from "./rr.js";
import {
  base64Decode,
  base64Encode,
  ipv4Text,
  ipv6Text,
  parseIpv4,
  parseIpv6,
  parseUint,
  quoteString,
  RdataDecodeError,
  WireBuilder,
  ZoneSyntaxError,
  type RdataReader,
  type TokenCursor,
} from "./rdata-text-fields.js";
import type { RdataCodec } from "./rdata-text-basic.js";

/** SvcParamKeys (IANA "Service Parameter Keys"), written out. */
const KEY_NAMES = new Map<number, string>([
  [0, "mandatory"],
  [1, "alpn"],
  [2, "no-default-alpn"],
  [3, "port"],
  [4, "ipv4hint"],
  [5, "ech"],
  [6, "ipv6hint"],
  [7, "dohpath"], // RFC 9461
  [8, "ohttp"], // RFC 9540
]);
const KEY_CODES = new Map([...KEY_NAMES].map(([k, v]) => [v, k]));
const INVALID_KEY = 65535; // RFC 9460 §14.3.2

function keyCode(text: string): number {
  const known = KEY_CODES.get(text.toLowerCase());
  if (known !== undefined) return known;
  const m = /^key([0-9]{1,5})$/i.exec(text);
  if (!m) throw new ZoneSyntaxError(`unknown SvcParamKey "${text}"`);
  const k = parseUint(m[1]!, "SvcParamKey", 0xffff);
  if (k === INVALID_KEY) throw new ZoneSyntaxError("SvcParamKey 65535 is reserved");
  return k;
}

const keyName = (k: number): string => KEY_NAMES.get(k) ?? `key${k}`;

/** The octets a value stands for, its character-string escapes decoded. */
function valueOctets(raw: string): Uint8Array {
  const b = new WireBuilder();
  b.text(raw);
  return b.take();
}

/** RFC 9460 Appendix A.1: splits a value-list at commas not escaped by a backslash. */
function splitList(value: Uint8Array, what: string): Uint8Array[] {
  const items: Uint8Array[] = [];
  let item: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === 0x5c && i + 1 < value.length) item.push(value[++i]!);
    else if (c === 0x2c) {
      items.push(Uint8Array.from(item));
      item = [];
    } else item.push(c);
  }
  items.push(Uint8Array.from(item));
  if (items.some((x) => x.length === 0)) throw new ZoneSyntaxError(`empty item in ${what}`);
  return items;
}

const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);

/** Encodes one parameter's value. */
function encodeValue(key: number, raw: string | undefined): Uint8Array {
  const name = keyName(key);
  if (key === 2 || key === 8) {
    if (raw) throw new ZoneSyntaxError(`${name} takes no value`);
    return new Uint8Array(0);
  }
  if (raw === undefined) throw new ZoneSyntaxError(`${name} needs a value`);
  const value = valueOctets(raw);
  const out = new WireBuilder();
  switch (key) {
    case 0: {
      const keys = splitList(value, name).map((k) => keyCode(latin1(k)));
      keys.sort((a, b) => a - b);
      if (keys.some((k, i) => k === 0 || (i > 0 && keys[i - 1] === k))) {
        throw new ZoneSyntaxError("mandatory lists a key twice or lists itself");
      }
      keys.forEach((k) => out.u16(k));
      break;
    }
    case 1:
      for (const id of splitList(value, name)) {
        if (id.length > 255) throw new ZoneSyntaxError("ALPN identifier over 255 octets");
        out.u8(id.length);
        out.bytes(id);
      }
      break;
    case 3:
      out.u16(parseUint(latin1(value), "port", 0xffff));
      break;
    case 4:
      for (const a of latin1(value).split(",")) out.bytes(parseIpv4(a, "ipv4hint"));
      break;
    case 6:
      for (const a of latin1(value).split(",")) out.bytes(parseIpv6(a, "ipv6hint"));
      break;
    case 5:
      out.bytes(base64Decode(latin1(value), "ech"));
      break;
    default:
      out.bytes(value);
  }
  return out.take();
}

/** One parameter's value as text; throws RdataDecodeError when it is malformed. */
function valueText(key: number, v: Uint8Array): string | undefined {
  const bad = (): never => {
    throw new RdataDecodeError(`malformed ${keyName(key)}`);
  };
  switch (key) {
    case 0: {
      if (v.length === 0 || v.length % 2 !== 0) bad();
      const keys: string[] = [];
      for (let i = 0; i < v.length; i += 2) {
        const k = (v[i]! << 8) | v[i + 1]!;
        if (k === 0 || k === INVALID_KEY || (i > 0 && k <= ((v[i - 2]! << 8) | v[i - 1]!))) bad();
        keys.push(keyName(k));
      }
      return keys.join(",");
    }
    case 1: {
      const items: number[] = [];
      for (let i = 0; i < v.length;) {
        const len = v[i]!;
        if (len === 0 || i + 1 + len > v.length) bad();
        if (items.length > 0) items.push(0x2c);
        for (const c of v.subarray(i + 1, i + 1 + len)) {
          if (c === 0x2c || c === 0x5c) items.push(0x5c); // RFC 9460 Appendix A.1
          items.push(c);
        }
        i += 1 + len;
      }
      if (v.length === 0) bad();
      return quoteString(Uint8Array.from(items));
    }
    case 2:
    case 8:
      if (v.length !== 0) bad();
      return undefined;
    case 3:
      if (v.length !== 2) bad();
      return String((v[0]! << 8) | v[1]!);
    case 4:
    case 6: {
      const size = key === 4 ? 4 : 16;
      if (v.length === 0 || v.length % size !== 0) bad();
      const addrs: string[] = [];
      for (let i = 0; i < v.length; i += size) {
        const a = v.subarray(i, i + size);
        addrs.push(size === 4 ? ipv4Text(a) : ipv6Text(a));
      }
      return addrs.join(",");
    }
    case 5:
      if (v.length === 0) bad();
      return base64Encode(v);
    default:
      return quoteString(v);
  }
}

const svcb: RdataCodec = {
  fromText(cur: TokenCursor) {
    cur.u16("SvcPriority");
    cur.name("TargetName");
    const params = new Map<number, Uint8Array>();
    while (!cur.atEnd()) {
      const word = cur.word("SvcParam");
      const eq = word.indexOf("=");
      let raw: string | undefined = eq < 0 ? undefined : word.slice(eq + 1);
      // key="value": the quoted value comes as a token of its own.
      if (raw === "" && !cur.atEnd() && cur.tokens[cur.i]!.quoted) raw = cur.next("value").text;
      const key = keyCode(eq < 0 ? word : word.slice(0, eq));
      if (params.has(key)) throw new ZoneSyntaxError(`SvcParamKey ${keyName(key)} given twice`);
      params.set(key, encodeValue(key, raw));
    }
    for (const key of [...params.keys()].sort((a, b) => a - b)) {
      const v = params.get(key)!;
      cur.out.u16(key);
      cur.out.u16(v.length);
      cur.out.bytes(v);
    }
  },
  toText(r: RdataReader) {
    const parts = [String(r.u16()), r.name()];
    let last = -1;
    while (!r.atEnd()) {
      const key = r.u16();
      if (key <= last || key === INVALID_KEY) throw new RdataDecodeError("SvcParams out of order");
      last = key;
      const v = valueText(key, r.bytes(r.u16()));
      parts.push(v === undefined ? keyName(key) : `${keyName(key)}=${v}`);
    }
    return parts.join(" ");
  },
};

export const SVCB_CODECS: ReadonlyArray<readonly [number, RdataCodec]> = [
  [RrType.SVCB, svcb],
  [RrType.HTTPS, svcb],
];
