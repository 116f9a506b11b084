/**
 * Domain names in wire form (RFC 1035 §3.1): a sequence of length-prefixed
 * labels ending with the root label. Names are kept as the bytes that came
 * off the wire or out of a zone file, case included; lowercasing happens only
 * where a comparison or the canonical form asks for it, and only for ASCII
 * letters (RFC 4034 §6.2, RFC 4343 §3).
 */

/** A name in uncompressed wire form, always ending with the zero-length root label. */
export type Name = Uint8Array;

export const ROOT: Name = Uint8Array.of(0);

const MAX_NAME_LENGTH = 255; // RFC 1035 §2.3.4
const MAX_LABEL_LENGTH = 63;

export class NameSyntaxError extends Error {
  override name = "NameSyntaxError";
}

function lowerByte(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

/** Offsets of each label's length byte, the root label excluded. */
function labelOffsets(name: Name): number[] {
  const offsets: number[] = [];
  let i = 0;
  while (i < name.length && name[i] !== 0) {
    offsets.push(i);
    i += 1 + name[i]!;
  }
  return offsets;
}

/** Number of labels, the root label not counted ("." is 0, "a.example." is 2). */
export function labelCount(name: Name): number {
  return labelOffsets(name).length;
}

/** The labels of a name, leftmost first, without their length bytes. */
export function labels(name: Name): Uint8Array[] {
  return labelOffsets(name).map((o) => name.subarray(o + 1, o + 1 + name[o]!));
}

export function isWildcard(name: Name): boolean {
  return name.length > 2 && name[0] === 1 && name[1] === 0x2a;
}

/** A copy with ASCII letters lowercased (RFC 4034 §6.2). */
export function lowerName(name: Name): Name {
  const out = new Uint8Array(name.length);
  let i = 0;
  while (i < name.length) {
    const len = name[i]!;
    out[i] = len;
    for (let j = 1; j <= len; j++) out[i + j] = lowerByte(name[i + j]!);
    i += 1 + len;
    if (len === 0) break;
  }
  return out;
}

/** Case-insensitive equality (RFC 4343). */
export function nameEquals(a: Name, b: Name): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && lowerByte(a[i]!) !== lowerByte(b[i]!)) return false;
  }
  return true;
}

/**
 * Canonical ordering of names (RFC 4034 §6.1): compare label by label from
 * the rightmost, each label as a lowercased octet string, a shorter label
 * sorting first when it is a prefix of the other.
 */
export function compareNames(a: Name, b: Name): number {
  const la = labelOffsets(a);
  const lb = labelOffsets(b);
  let ia = la.length - 1;
  let ib = lb.length - 1;
  while (ia >= 0 && ib >= 0) {
    const oa = la[ia]!;
    const ob = lb[ib]!;
    const lenA = a[oa]!;
    const lenB = b[ob]!;
    const n = Math.min(lenA, lenB);
    for (let k = 1; k <= n; k++) {
      const d = lowerByte(a[oa + k]!) - lowerByte(b[ob + k]!);
      if (d !== 0) return d;
    }
    if (lenA !== lenB) return lenA - lenB;
    ia--;
    ib--;
  }
  return la.length - lb.length;
}

/** The ancestor of `name` that keeps its rightmost `count` labels. */
export function ancestor(name: Name, count: number): Name {
  const offsets = labelOffsets(name);
  if (count < 0 || count > offsets.length) {
    throw new RangeError(`name has ${offsets.length} labels, cannot keep ${count}`);
  }
  if (count === offsets.length) return name;
  if (count === 0) return name.subarray(name.length - 1);
  return name.subarray(offsets[offsets.length - count]!);
}

/** The parent name; the root has none. */
export function parentName(name: Name): Name | undefined {
  const n = labelCount(name);
  return n === 0 ? undefined : ancestor(name, n - 1);
}

/** True when `name` equals `zone` or lies below it. */
export function isSubdomain(name: Name, zone: Name): boolean {
  const n = labelCount(name);
  const z = labelCount(zone);
  return n >= z && nameEquals(ancestor(name, z), zone);
}

/** Prepends one label given as bytes. */
export function prependLabel(label: Uint8Array, name: Name): Name {
  if (label.length === 0 || label.length > MAX_LABEL_LENGTH) {
    throw new NameSyntaxError(`label of ${label.length} octets`);
  }
  const out = new Uint8Array(1 + label.length + name.length);
  out[0] = label.length;
  out.set(label, 1);
  out.set(name, 1 + label.length);
  if (out.length > MAX_NAME_LENGTH) throw new NameSyntaxError("name longer than 255 octets");
  return out;
}

/** "*." prepended to a name (the source of synthesis, RFC 4592). */
export function wildcardOf(name: Name): Name {
  return prependLabel(Uint8Array.of(0x2a), name);
}

/** Concatenates a relative name (wire form without its root label) and an origin. */
function concat(relativeLabels: number[], origin: Name): Name {
  const out = new Uint8Array(relativeLabels.length + origin.length);
  out.set(relativeLabels, 0);
  out.set(origin, relativeLabels.length);
  if (out.length > MAX_NAME_LENGTH) throw new NameSyntaxError("name longer than 255 octets");
  return out;
}

/**
 * Parses a name in presentation format (RFC 1035 §5.1): `\DDD` and `\X`
 * escapes, a trailing dot for an absolute name; a relative name is completed
 * with `origin`, and "@" is the origin itself.
 */
export function parseName(text: string, origin?: Name): Name {
  if (text === "@") {
    if (!origin) throw new NameSyntaxError('"@" used with no origin');
    return origin;
  }
  if (text === ".") return ROOT;
  if (text.length === 0) throw new NameSyntaxError("empty name");
  const bytes: number[] = [];
  let label: number[] = [];
  let absolute = false;
  const endLabel = (): void => {
    if (label.length === 0) throw new NameSyntaxError(`empty label in "${text}"`);
    if (label.length > MAX_LABEL_LENGTH) {
      throw new NameSyntaxError(`label longer than 63 octets in "${text}"`);
    }
    bytes.push(label.length, ...label);
    label = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) {
      const d = text.slice(i + 1, i + 4);
      if (/^[0-9]{3}$/.test(d)) {
        const v = Number(d);
        if (v > 255) throw new NameSyntaxError(`escape \\${d} out of range in "${text}"`);
        label.push(v);
        i += 3;
      } else if (i + 1 < text.length) {
        label.push(text.charCodeAt(i + 1));
        i += 1;
      } else {
        throw new NameSyntaxError(`dangling backslash in "${text}"`);
      }
    } else if (c === 0x2e) {
      endLabel();
      if (i === text.length - 1) absolute = true;
    } else {
      if (c > 0xff) throw new NameSyntaxError(`non-ASCII character in "${text}"`);
      label.push(c);
    }
  }
  if (!absolute) {
    if (label.length > 0) endLabel();
    if (!origin) throw new NameSyntaxError(`relative name "${text}" with no origin`);
    return concat(bytes, origin);
  }
  return concat(bytes, ROOT);
}

/** Presentation format with a trailing dot, escaping what needs it (RFC 4343 §2.1). */
export function nameToText(name: Name): string {
  const parts = labels(name).map((label) => {
    let s = "";
    for (const b of label) {
      if (b === 0x2e || b === 0x5c || b === 0x22 || b === 0x28 || b === 0x29 || b === 0x3b) {
        s += "\\" + String.fromCharCode(b);
      } else if (b <= 0x20 || b >= 0x7f) {
        s += "\\" + b.toString().padStart(3, "0");
      } else {
        s += String.fromCharCode(b);
      }
    }
    return s;
  });
  return parts.length === 0 ? "." : parts.join(".") + ".";
}

/** A lowercased text key, for maps and sets of names. */
export function nameKey(name: Name): string {
  return nameToText(lowerName(name));
}
