// (core) strict IPv4/IPv6 text --> bytes, and canonical forms, so patterns compare IP addresses as addresses
/**
 * Strict IPv4 / IPv6 parsing into bytes. EventBridge compares a pattern string
 * that is an IP address as an address (so `2400:6500:FF00::36FB:1F80` equals
 * `2400:6500:ff00:0:0:0:36fb:1f80`), and `cidr` needs the bytes. Written by hand,
 * without regular expressions, so that no input can make it slow.
 */

export type IpBytes = Uint8Array;

function parseDecimalOctet(text: string): number | undefined {
  if (text.length === 0 || text.length > 3) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    value = value * 10 + c;
  }
  return value <= 255 ? value : undefined;
}

export function parseIpv4(text: string): IpBytes | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const octet = parseDecimalOctet(parts[i] ?? '');
    if (octet === undefined) return undefined;
    bytes[i] = octet;
  }
  return bytes;
}

function parseHexGroup(text: string): number | undefined {
  if (text.length === 0 || text.length > 4) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let digit: number;
    if (c >= 48 && c <= 57) digit = c - 48;
    else if (c >= 65 && c <= 70) digit = c - 55;
    else if (c >= 97 && c <= 102) digit = c - 87;
    else return undefined;
    value = value * 16 + digit;
  }
  return value;
}

/** Parses groups of one side of `::` into 16-bit words; the last group may be dotted IPv4. */
function parseIpv6Groups(text: string, allowTrailingIpv4: boolean): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const words: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] ?? '';
    if (allowTrailingIpv4 && i === groups.length - 1 && group.includes('.')) {
      const v4 = parseIpv4(group);
      if (!v4) return undefined;
      words.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      continue;
    }
    const word = parseHexGroup(group);
    if (word === undefined) return undefined;
    words.push(word);
  }
  return words;
}

export function parseIpv6(text: string): IpBytes | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const doubleColon = text.indexOf('::');
  let words: number[];
  if (doubleColon === -1) {
    const all = parseIpv6Groups(text, true);
    if (all?.length !== 8) return undefined;
    words = all;
  } else {
    if (text.indexOf('::', doubleColon + 1) !== -1) return undefined;
    const head = parseIpv6Groups(text.slice(0, doubleColon), false);
    const tail = parseIpv6Groups(text.slice(doubleColon + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const word = words[i] ?? 0;
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  }
  return bytes;
}

export function parseIpAddress(text: string): IpBytes | undefined {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

/** A canonical text for an address (the bytes in hex), so equal addresses compare as equal strings. */
export function canonicalIp(bytes: IpBytes): string {
  let out = bytes.length === 4 ? '4:' : '6:';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** Canonical form of `text` when it is an IP address, else undefined. Cheap reject for ordinary strings. */
export function canonicalIpOf(text: string): string | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const first = text.charCodeAt(0);
  const hexOrColon =
    (first >= 48 && first <= 57) || (first >= 65 && first <= 70) || (first >= 97 && first <= 102) || first === 58;
  if (!hexOrColon) return undefined;
  const bytes = parseIpAddress(text);
  return bytes ? canonicalIp(bytes) : undefined;
}
