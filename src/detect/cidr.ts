/** IPv4 and IPv6 addresses and CIDR ranges, as big integers, for the `cidr` modifier. */

interface Address {
  readonly bits: 32 | 128;
  readonly value: bigint;
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
  let body = text.replace(/%.*$/, '').replace(/^\[|\]$/g, '');
  let tail: bigint[] = [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4?.[1]) {
    const value = parseIpv4(v4[1]);
    if (value === undefined) return undefined;
    tail = [value >> 16n, value & 0xffffn];
    body = body.slice(0, v4.index);
    // `::1.2.3.4` leaves a lone colon: the elision.
    if (body.endsWith(':')) body = `${body}:`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const given = head.length + rest.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const all = [...head, ...Array<string>(8 - given).fill('0'), ...rest];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  for (const group of tail) value = (value << 16n) | group;
  return value;
}

/**
 * Addresses already parsed: one event's address meets every `cidr` rule of its pool, each of
 * which would parse it again (BigInt arithmetic, the hottest test on Security logs). Small
 * and cleared when full, so memory stays bounded whatever the input.
 */
const parsedAddresses = new Map<string, Address | null>();
const MAX_PARSED = 512;

export function parseAddress(text: string): Address | undefined {
  if (text.length > 64) return parseUncached(text);
  const known = parsedAddresses.get(text);
  if (known !== undefined) return known ?? undefined;
  const address = parseUncached(text);
  if (parsedAddresses.size >= MAX_PARSED) parsedAddresses.clear();
  parsedAddresses.set(text, address ?? null);
  return address;
}

function parseUncached(text: string): Address | undefined {
  const trimmed = text.trim();
  const v4 = parseIpv4(trimmed);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  if (!trimmed.includes(':')) return undefined;
  const v6 = parseIpv6(trimmed);
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

/** A test for addresses inside `range` (`10.0.0.0/8`, `fe80::/10`); `undefined` if invalid. */
export function cidrTest(range: string): ((value: string) => boolean) | undefined {
  const [base, prefixText, extra] = range.split('/');
  const address = parseAddress(base ?? '');
  if (!address || extra !== undefined) return undefined;
  // `10.0.0.0/` (an empty prefix) is refused, not read as /0.
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? address.bits : Number(prefixText);
  if (prefix > address.bits) return undefined;
  const shift = BigInt(address.bits - prefix);
  const network = address.value >> shift;
  return (value) => {
    const parsed = parseAddress(value);
    if (parsed === undefined) return false;
    // An IPv4-mapped IPv6 address (::ffff:10.1.2.3) is its IPv4 address for IPv4 ranges.
    const candidate =
      address.bits === 32 && parsed.bits === 128 && parsed.value >> 32n === 0xffffn
        ? { bits: 32, value: parsed.value & 0xffffffffn }
        : parsed;
    return candidate.bits === address.bits && candidate.value >> shift === network;
  };
}
