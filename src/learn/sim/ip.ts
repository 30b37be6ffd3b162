/**
 * IPv4 and IPv6 addresses and CIDR ranges, for the security vendors' scanner ranges that the
 * organisation lists in its configuration. Parsing is strict and never throws.
 */

/** An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96), or undefined when malformed. */
export function parseIp(text: string): Uint8Array | undefined {
  const s = text.trim();
  if (s.length > 64) return undefined;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const bytes = v4.slice(1).map(Number);
    if (bytes.some((b) => b > 255)) return undefined;
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(bytes, 12);
    return out;
  }
  if (!s.includes(':')) return undefined;
  let head = s;
  let tail = '';
  const gap = s.indexOf('::');
  if (gap >= 0) {
    if (s.indexOf('::', gap + 1) >= 0) return undefined;
    head = s.slice(0, gap);
    tail = s.slice(gap + 2);
  }
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i] ?? '';
      if (i === pieces.length - 1 && p.includes('.')) {
        const mapped = parseIp(p);
        if (!mapped) return undefined;
        out.push(((mapped[12] ?? 0) << 8) | (mapped[13] ?? 0), ((mapped[14] ?? 0) << 8) | (mapped[15] ?? 0));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
      out.push(Number.parseInt(p, 16));
    }
    return out;
  };
  const a = groups(head);
  const b = groups(tail);
  if (!a || !b) return undefined;
  const missing = 8 - a.length - b.length;
  if ((gap >= 0 && missing < 1) || (gap < 0 && missing !== 0)) return undefined;
  const all = [...a, ...new Array<number>(Math.max(0, missing)).fill(0), ...b];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

export interface Cidr {
  readonly base: Uint8Array;
  /** Prefix length over the 128-bit form. */
  readonly bits: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefix] = text.trim().split('/');
  const base = parseIp(address);
  if (!base) return undefined;
  const v4 = !address.includes(':');
  const max = v4 ? 32 : 128;
  const length = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  if (!(length >= 0 && length <= max)) return undefined;
  return { base, bits: v4 ? length + 96 : length };
}

export function inCidr(ip: Uint8Array, cidr: Cidr): boolean {
  for (let bit = 0; bit < cidr.bits; bit += 8) {
    const take = Math.min(8, cidr.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((ip[bit / 8] ?? 0) & mask) !== ((cidr.base[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}
