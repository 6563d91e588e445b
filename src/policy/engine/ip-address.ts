/** IPv4 and IPv6 addresses and CIDR ranges as numbers, for IpAddress/NotIpAddress ("aws:SourceIp"). */

export interface IpRange {
  readonly version: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(part));
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let groups: string[];
  let tail: bigint | undefined;
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    tail = parseIpv4(s.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const split = (h: string) => (h === '' ? [] : h.split(':'));
  if (halves.length === 2) {
    const head = split(halves[0]!);
    const rest = split(halves[1]!);
    if (head.length + rest.length > 7) return undefined;
    groups = [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  } else {
    groups = split(s);
  }
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return tail === undefined ? value : (value & ~0xffffffffn) | tail;
}

const V4_MAPPED = 0xffff00000000n;

/**
 * An address or a CIDR range ("203.0.113.0/24", "2001:DB8:1234:5678::/64"); a bare address is a /32 or /128.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d, as a dual-stack socket reports IPv4 clients) is read as IPv4.
 */
export function parseIpRange(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const address = (slash < 0 ? text : text.slice(0, slash)).trim().replace(/%.*$/, '');
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1).trim();
  const v4 = parseIpv4(address);
  let version: 4 | 6 = 4;
  let base = v4;
  let bits = 32;
  if (base === undefined) {
    const v6 = parseIpv6(address);
    if (v6 === undefined) return undefined;
    if (v6 >> 32n === V4_MAPPED >> 32n && (prefixText === undefined || Number(prefixText) >= 96)) {
      base = v6 & 0xffffffffn;
      bits = 32;
      if (prefixText === undefined) return { version: 4, base, prefix: 32 };
      return /^\d{1,3}$/.test(prefixText) ? { version: 4, base, prefix: Number(prefixText) - 96 } : undefined;
    }
    version = 6;
    base = v6;
    bits = 128;
  }
  if (prefixText === undefined) return { version, base, prefix: bits };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  return { version, base, prefix: Number(prefixText) };
}

/** Whether an address falls inside a range (host bits of the range are ignored, as AWS does). */
export function inRange(address: IpRange, range: IpRange): boolean {
  if (address.version !== range.version) return false;
  const shift = BigInt((address.version === 4 ? 32 : 128) - range.prefix);
  return address.base >> shift === range.base >> shift;
}
