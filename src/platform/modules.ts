/** The modules of Vigie and whether this installation runs them (each module issue enables its own). */
import type { LocalizedText, ModuleId } from '../core/index.js';

export interface ModuleInfo {
  readonly id: ModuleId;
  readonly name: LocalizedText;
  readonly enabled: boolean;
}

export const MODULE_CATALOG: readonly ModuleInfo[] = [
  { id: 'platform', name: { en: 'Platform', fr: 'Plateforme' }, enabled: true },
  { id: 'mail', name: { en: 'Mail — phishing verdicts', fr: 'Mail — verdicts d’hameçonnage' }, enabled: true },
  { id: 'guard', name: { en: 'Guard — AI data-leak guard', fr: 'Guard — garde-fou IA' }, enabled: true },
  { id: 'detect', name: { en: 'Detect — log detection', fr: 'Detect — détection dans les journaux' }, enabled: true },
  { id: 'sense', name: { en: 'Sense — IoT supervision', fr: 'Sense — supervision IoT' }, enabled: true },
  { id: 'learn', name: { en: 'Learn — awareness', fr: 'Learn — sensibilisation' }, enabled: true },
  { id: 'govern', name: { en: 'Govern — risk register', fr: 'Govern — registre des risques' }, enabled: false },
  { id: 'respond', name: { en: 'Respond — playbooks', fr: 'Respond — réponse' }, enabled: false },
];
