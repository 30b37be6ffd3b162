/**
 * Masking for display and records: enough of the value kept to recognise it, never enough
 * to reuse it. Findings carry masked values only.
 */

function stars(n: number): string {
  return '*'.repeat(Math.max(1, Math.min(n, 8)));
}

function maskWord(word: string): string {
  if (word.length <= 1) return '*';
  return `${word.charAt(0)}${stars(word.length - 1)}`;
}

/** Keeps the last `keep` alphanumerics of a grouped number; other digits and letters become `*`. */
function maskKeepingTail(value: string, keepHead: number, keepTail: number): string {
  let alnum = 0;
  for (const ch of value) if (/[A-Za-z0-9]/.test(ch)) alnum++;
  let seen = 0;
  let out = '';
  for (const ch of value) {
    if (/[A-Za-z0-9]/.test(ch)) {
      out += seen < keepHead || seen >= alnum - keepTail ? ch : '*';
      seen++;
    } else out += ch;
  }
  return out;
}

/**
 * Masks `value` according to its finding type: `jean.dupont@exemple.fr` → `j***@e***.fr`,
 * `FR76 3000 6000 0112 3456 7890 189` → `FR76 **** **** **** **** **** 189`, secrets keep their
 * public prefix only (`ghp_****`).
 */
export function mask(value: string, type: string): string {
  if (value.length === 0) return '';
  switch (type) {
    case 'pii.email': {
      const at = value.lastIndexOf('@');
      if (at < 0) return maskWord(value);
      const domain = value.slice(at + 1);
      const dot = domain.lastIndexOf('.');
      const host = dot > 0 ? domain.slice(0, dot) : domain;
      const tld = dot > 0 ? domain.slice(dot) : '';
      return `${value.charAt(0)}***@${host.charAt(0)}***${tld}`;
    }
    case 'pii.iban':
      return maskKeepingTail(value, 4, 4).replace(/\*{4,}/g, (m) => (value.includes(' ') ? m : '****'));
    case 'pii.card':
      return maskKeepingTail(value, 0, 4);
    case 'pii.phone':
      return maskKeepingTail(value, value.startsWith('+') ? 2 : 0, 2);
    case 'pii.nir':
    case 'pii.siren':
    case 'pii.siret':
    case 'pii.vat_fr':
    case 'pii.passport':
    case 'pii.id_card':
      return maskKeepingTail(value, 0, 2);
    case 'pii.ip': {
      if (value.includes('.') && !value.includes(':')) {
        const parts = value.split('.');
        return `${parts[0]}.*.*.${'*'}`;
      }
      return `${value.split(':')[0] ?? ''}:****`;
    }
    case 'pii.person':
    case 'pii.address':
      return value
        .split(/(\s+)/)
        .map((w) => (/\s/.test(w) || w.length === 0 ? w : maskWord(w)))
        .join('');
    case 'pii.birth_date':
      return value.replace(/[0-9]/g, '*');
    default: {
      if (type.startsWith('secret.')) {
        // Keep a provider prefix such as `ghp_`, `sk-ant-`, `AKIA` so the reader knows what it was.
        const prefix = /^(?:[A-Za-z]{2,8}[_-](?:[a-z]{2,8}[_-])?|AKIA|ASIA|eyJ|SG\.|-----BEGIN [A-Z ]+-----)/.exec(
          value,
        );
        const head = prefix ? prefix[0].slice(0, 16) : '';
        return `${head}${stars(8)}`;
      }
      return maskWord(value);
    }
  }
}
