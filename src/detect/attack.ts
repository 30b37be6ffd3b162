/** ATT&CK from a rule's tags: `attack.t1059.001` is a technique, `attack.execution` a tactic. */
import { ATTACK_TECHNIQUE_NAMES } from './attack-techniques.js';

/** Enterprise ATT&CK tactics, by the tag Sigma uses for them. */
export const ATTACK_TACTICS: Readonly<Record<string, { readonly id: string; readonly name: string }>> = {
  reconnaissance: { id: 'TA0043', name: 'Reconnaissance' },
  resource_development: { id: 'TA0042', name: 'Resource Development' },
  initial_access: { id: 'TA0001', name: 'Initial Access' },
  execution: { id: 'TA0002', name: 'Execution' },
  persistence: { id: 'TA0003', name: 'Persistence' },
  privilege_escalation: { id: 'TA0004', name: 'Privilege Escalation' },
  defense_evasion: { id: 'TA0005', name: 'Defense Evasion' },
  credential_access: { id: 'TA0006', name: 'Credential Access' },
  discovery: { id: 'TA0007', name: 'Discovery' },
  lateral_movement: { id: 'TA0008', name: 'Lateral Movement' },
  collection: { id: 'TA0009', name: 'Collection' },
  command_and_control: { id: 'TA0011', name: 'Command and Control' },
  exfiltration: { id: 'TA0010', name: 'Exfiltration' },
  impact: { id: 'TA0040', name: 'Impact' },
};

export interface AttackMapping {
  /** Technique ids, upper-case (`T1059.001`). */
  readonly techniques: readonly string[];
  /** The same techniques with their names; `name` is absent for ids the table does not know. */
  readonly named: ReadonlyArray<{ readonly id: string; readonly name?: string }>;
  /** Tactics named by the tags. */
  readonly tactics: ReadonlyArray<{ readonly id: string; readonly name: string }>;
}

/** A technique's name (`T1110.003` → `Password Spraying`), or `undefined` when unknown. */
export function techniqueName(id: string): string | undefined {
  const key = id.toUpperCase();
  return Object.hasOwn(ATTACK_TECHNIQUE_NAMES, key) ? ATTACK_TECHNIQUE_NAMES[key] : undefined;
}

export function attackFromTags(tags: readonly string[]): AttackMapping {
  const techniques: string[] = [];
  const tactics: Array<{ id: string; name: string }> = [];
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (!lower.startsWith('attack.')) continue;
    const rest = lower.slice('attack.'.length);
    if (/^t\d{4}(\.\d{3})?$/.test(rest)) techniques.push(rest.toUpperCase());
    else {
      const name = rest.replace(/-/g, '_');
      // Own entries only: `attack.constructor` names no tactic.
      const tactic = Object.hasOwn(ATTACK_TACTICS, name) ? ATTACK_TACTICS[name] : undefined;
      if (tactic && !tactics.includes(tactic)) tactics.push(tactic);
    }
  }
  const unique = [...new Set(techniques)];
  return {
    techniques: unique,
    named: unique.map((id) => {
      const name = techniqueName(id);
      return name === undefined ? { id } : { id, name };
    }),
    tactics,
  };
}
