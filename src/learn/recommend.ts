/**
 * Recommendations from signals elsewhere in Vigie: a click or a submission in a simulation, a
 * Guard warning or block on a prompt, a phishing that reached the learner's mailbox. Each
 * assigns the matching micro-module with the reason shown to the learner. A report never
 * assigns training: reporting is the reflex we want, including false alarms.
 */
import type { LocalizedText } from '../core/index.js';
import type { Topic } from './content/schema.js';

export type LearnSignal =
  | {
      readonly type: 'simulation.clicked' | 'simulation.submitted';
      readonly at: string;
      readonly campaignId: string;
      /** The template's topic (e.g. `payment-fraud`): the module that trains that lure. */
      readonly topic?: string;
    }
  | {
      readonly type: 'guard.warning' | 'guard.block';
      readonly at: string;
      /** Guard's namespaced finding type: `secret.github_token`, `pii.iban`, `injection.*`… */
      readonly findingType: string;
    }
  | {
      readonly type: 'mail.phishing-delivered';
      readonly at: string;
      /** Facts from the Mail engine's verdict, e.g. `qr`, `payment`, `impersonation`. */
      readonly traits?: readonly string[];
    }
  | { readonly type: 'report.made'; readonly at: string };

export interface Assignment {
  readonly moduleId: string;
  readonly topic: string;
  /** 0..100: the learner's next step is the highest open assignment. */
  readonly priority: number;
  readonly assignedAt: string;
  readonly signal: LearnSignal['type'];
  readonly reason: LocalizedText;
}

interface Rule {
  readonly topic: Topic;
  readonly priority: number;
  readonly reason: LocalizedText;
}

function guardRule(findingType: string, block: boolean): Rule {
  const family = findingType.split('.')[0] ?? '';
  const verb = block
    ? { fr: 'a été bloqué par', en: 'was blocked by' }
    : { fr: 'a déclenché un avertissement de', en: 'triggered a warning from' };
  const priority = block ? 60 : 40;
  if (family === 'injection') {
    return {
      topic: 'ai-assistants',
      priority,
      reason: {
        fr: `Un contenu que vous avez soumis à un assistant d’IA ${verb.fr} Guard : il contenait des instructions cachées (injection de prompt).`,
        en: `Content you gave an AI assistant ${verb.en} Guard: it held hidden instructions (prompt injection).`,
      },
    };
  }
  const what: LocalizedText =
    family === 'secret'
      ? { fr: 'un secret (mot de passe, clé ou jeton)', en: 'a secret (password, key or token)' }
      : family === 'pii'
        ? { fr: 'des données personnelles', en: 'personal data' }
        : family === 'marking'
          ? { fr: 'un document marqué confidentiel', en: 'a document marked confidential' }
          : family === 'dictionary'
            ? { fr: 'un nom interne protégé (projet, client)', en: 'a protected internal name (project, client)' }
            : { fr: 'des données sensibles', en: 'sensitive data' };
  return {
    topic: 'shadow-ai',
    priority,
    reason: {
      fr: `Votre message à un service d’IA ${verb.fr} Guard : il contenait ${what.fr}.`,
      en: `Your prompt to an AI service ${verb.en} Guard: it contained ${what.en}.`,
    },
  };
}

function ruleFor(signal: LearnSignal): Rule[] {
  switch (signal.type) {
    case 'simulation.clicked':
    case 'simulation.submitted': {
      const submitted = signal.type === 'simulation.submitted';
      const topic = (signal.topic ?? 'ai-phishing') as Topic;
      const rules: Rule[] = [
        {
          topic,
          priority: submitted ? 90 : 70,
          reason: submitted
            ? {
                fr: 'Lors d’un exercice de phishing, vous avez saisi des informations sur la fausse page. Ce module montre les indices à repérer.',
                en: 'In a phishing exercise, you typed information into the fake page. This module shows the clues to look for.',
              }
            : {
                fr: 'Vous avez cliqué sur le lien d’un exercice de phishing. Ce module de quelques minutes montre les indices à repérer.',
                en: 'You clicked the link of a phishing exercise. This few-minute module shows the clues to look for.',
              },
        },
      ];
      if (submitted && topic !== 'authentication') {
        rules.push({
          topic: 'authentication',
          priority: 80,
          reason: {
            fr: 'Un mot de passe saisi sur une fausse page est un mot de passe perdu : voyez comment la MFA et les passkeys vous protègent.',
            en: 'A password typed on a fake page is a lost password: see how MFA and passkeys protect you.',
          },
        });
      }
      return rules;
    }
    case 'guard.warning':
      return [guardRule(signal.findingType, false)];
    case 'guard.block':
      return [guardRule(signal.findingType, true)];
    case 'mail.phishing-delivered': {
      const traits = new Set(signal.traits ?? []);
      const topic: Topic = traits.has('qr')
        ? 'mobile-qr'
        : traits.has('payment')
          ? 'payment-fraud'
          : traits.has('callback')
            ? 'social-engineering'
            : 'ai-phishing';
      return [
        {
          topic,
          priority: 30,
          reason: {
            fr: 'Un vrai message de phishing est arrivé dans votre boîte. Rafraîchissez les réflexes qui l’auraient déjoué.',
            en: 'A real phishing message reached your mailbox. Refresh the reflexes that would have defeated it.',
          },
        },
      ];
    }
    case 'report.made':
      return [];
  }
}

export interface RecommendOptions {
  /** A module assigned within this many days is not assigned again (unless at higher priority). */
  readonly cooldownDays?: number;
}

/**
 * Assignments from a learner's signals, oldest signal first. Modules are matched by topic
 * (micro-modules first); a signal whose topic has no module is skipped. Pure and deterministic.
 */
export function recommend(
  signals: readonly LearnSignal[],
  modules: readonly { id: string; topic: string; micro: boolean }[],
  options: RecommendOptions = {},
): Assignment[] {
  const cooldown = (options.cooldownDays ?? 30) * 86_400_000;
  const byTopic = new Map<string, string>();
  for (const m of [...modules].sort((a, b) => Number(b.micro) - Number(a.micro) || (a.id < b.id ? -1 : 1))) {
    if (!byTopic.has(m.topic)) byTopic.set(m.topic, m.id);
  }
  const ordered = [...signals]
    .filter((s) => Number.isFinite(Date.parse(s.at)))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const out: Assignment[] = [];
  const last = new Map<string, Assignment>();
  for (const signal of ordered) {
    for (const rule of ruleFor(signal)) {
      const moduleId = byTopic.get(rule.topic);
      if (!moduleId) continue;
      const previous = last.get(moduleId);
      if (
        previous &&
        Date.parse(signal.at) - Date.parse(previous.assignedAt) < cooldown &&
        previous.priority >= rule.priority
      ) {
        continue;
      }
      const assignment: Assignment = {
        moduleId,
        topic: rule.topic,
        priority: rule.priority,
        assignedAt: new Date(Date.parse(signal.at)).toISOString(),
        signal: signal.type,
        reason: rule.reason,
      };
      last.set(moduleId, assignment);
      out.push(assignment);
    }
  }
  return out;
}
