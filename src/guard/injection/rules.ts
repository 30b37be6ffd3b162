/**
 * The expert rules: phrase families in French and English over normalised tokens, and a few
 * structural checks on the raw text (fake chat delimiters, encoded payloads, markdown
 * exfiltration, hidden characters). Each rule has a code, an expert weight in log-odds, a
 * kind and a bilingual message; the trained model learns a scale per code on top.
 * All regular expressions here are linear: one character class per quantifier, no nesting.
 */

import { type Normalized, normalize } from './normalize.js';
import { PhraseMatcher } from './phrases.js';
import type { InjectionKind, InjectionMode } from './types.js';

export interface RuleDefinition {
  readonly code: string;
  readonly kind: InjectionKind | 'obfuscation';
  /** Expert weight in log-odds when the rule fires. */
  readonly weight: number;
  /** Rules meant for documents only (phrases addressed to the assistant reading them). */
  readonly documentOnly?: boolean;
  readonly fr: string;
  readonly en: string;
  readonly patterns?: readonly string[];
}

export interface RuleHit {
  readonly code: string;
  readonly weight: number;
  readonly count: number;
  readonly span?: { readonly start: number; readonly end: number };
}

const IGNORE_EN =
  '(ignore|ignoring|disregard|disregarding|forget|forgetting|skip|bypass|override|overlook|neglect|drop|discard|abandon|nevermind)';
const PRIOR_EN =
  '(previous|prior|above|earlier|preceding|former|initial|original|old|all|any|every|your|the|system|these|those|my)';
const RULES_EN =
  '(instructions|instruction|directions|directives|rules|prompts|prompt|guidelines|commands|command|context|constraints|restrictions|programming|orders|task|tasks|text|messages|input|question|questions)';
const IGNORE_FR =
  '(ignore|ignorez|ignorer|ignores|ignorant|oublie|oubliez|oublier|oubliant|neglige|negligez|negligeant|contourne|contournez|outrepasse|outrepassez|annule|annulez|efface|effacez)';
const RULES_FR =
  '(instructions|instruction|consignes|consigne|regles|regle|directives|directive|indications|ordres|ordre|prompt|contexte|commande|commandes|question|questions|demande|demandes|requete|invite|tache|taches|texte|message|messages)';
/** What the assistant produces; "your code" is left out: answers to developers say it to the asker. */
const OUTPUT_EN = '(answer|answers|response|responses|reply|replies|output|summary|explanation|elucidation)';
const OUTPUT_FR = '(reponse|reponses|resume|code|solution|sortie|message)';

export const RULES: readonly RuleDefinition[] = [
  {
    code: 'ignore_instructions',
    kind: 'direct',
    weight: 3,
    en: 'Asks to ignore or override the previous instructions',
    fr: 'Demande d’ignorer ou de remplacer les instructions précédentes',
    patterns: [
      `${IGNORE_EN} * ${RULES_EN}`,
      `${IGNORE_EN} ${PRIOR_EN} * ${RULES_EN}`,
      `(do not|don t|dont) (follow|obey|answer|respond to) ${PRIOR_EN} * ${RULES_EN}`,
      `${IGNORE_EN} (everything|all) (above|before|previously|prior)`,
      `${IGNORE_FR} * ${RULES_FR}`,
      `${IGNORE_FR} (tout|toutes|tous) (ce qui precede|ce qui est au dessus|ce qu on t a dit)`,
      `(ne|n) (tenez|tiens) (pas|plus) compte * ${RULES_FR}`,
      `(faites|fais) abstraction * ${RULES_FR}`,
      `(ne|n) pas (repondre|tenir compte|obeir|suivre|prendre en compte) (a|aux|de|des|du) * ${RULES_FR}`,
      `(ne|n) (repondez|reponds|repondons) pas (a|aux) (la|cette|ces|les|ma) ${RULES_FR}`,
      `(ne|n) (suivez|suis|respectez|respecte) (pas|plus) * ${RULES_FR}`,
    ],
  },
  {
    code: 'output_override',
    kind: 'direct',
    weight: 1.5,
    en: 'Dictates the exact words to output instead of the task',
    fr: 'Impose le texte exact à produire à la place de la tâche',
    patterns: [
      '(just|only|simply|directly|instead) (print|say|output|write|respond|answer|display|repeat|state|type)',
      '(print|say|output|respond|reply|repeat|display) (only|just|exactly|verbatim) [the] (following|this|text|words|phrase)',
      '(instead|rather) * (print|say|output|write|respond)',
      '(affichez|affiche|afficher|imprimez|imprime|ecrivez|ecris|ecrire|repondez|reponds|repondre|dites|dis|dire|repetez|repete|repeter|indiquez|indique|indiquer|sortez|produisez|produis) (simplement|directement|seulement|uniquement|juste|plutot|a la place)',
      '(simplement|directement|uniquement|seulement) (affichez|affiche|afficher|imprimez|repondez|repondre|dites|dire|repetez|repeter|indiquez|indiquer|ecrivez|ecrire)',
      '(without adding|do not add|don t add|dont add|with no) * (words|word|punctuation|prefix|prefixes|quotes|quotation marks|comments|commentary|explanations)',
      '(repeat|say|print|type) (after me|the following|exactly|word for word)',
      'do [exactly] (as|what) i (say|tell you)',
      '(sans ajouter|n ajoutez pas|n ajoute pas|sans aucun|sans mots) * (mots|mot|ponctuation|prefixe|prefixes|guillemets|commentaire|commentaires|citations|supplementaires)',
      '(repetez|repete|repeter|dites|dis|ecrivez|ecris) (ce qui suit|apres moi|exactement|mot pour mot)',
      '(faites|fais) ce que je (dis|vous dis|te dis)',
      '(oubliez|oublie) (les|la|le|ca|cela|tout) [,] (vous devez|tu dois|et|maintenant)',
    ],
  },
  {
    code: 'new_instructions',
    kind: 'direct',
    weight: 1.5,
    en: 'Announces new or "real" instructions that replace the current ones',
    fr: 'Annonce de nouvelles « vraies » instructions qui remplacent les actuelles',
    patterns: [
      '(new|updated|real|actual|true|revised|secret|hidden|important) (instructions|instruction|task|rules|directive|directives|system prompt)',
      '(instructions|task|rules) (have|has) (changed|been updated)',
      '(nouvelles|nouvelle|vraies|vraie|veritables|veritable|secretes) (instructions|consignes|regles|directives|tache|mission)',
      '(voici|ci dessous) (tes|vos|les) (nouvelles|vraies|veritables) (instructions|consignes|regles)',
    ],
  },
  {
    code: 'persona_jailbreak',
    kind: 'direct',
    weight: 2,
    en: 'Known jailbreak persona or "unlocked" mode (DAN, developer mode...)',
    fr: 'Personnage ou mode « débridé » de jailbreak connu (DAN, mode développeur...)',
    patterns: [
      'do anything now',
      '(jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|chaos|opposite|dan) mode',
      '(mode|modus) (debride|jailbreak|sans filtre|non censure)',
      '(you are|you re|you have been|now|fully|successfully) (jailbroken|unlocked|freed)',
      '(stay|remain|staying) in character',
      '(reste|restez|rester) dans (le|ton|votre) (personnage|role)',
      'always intelligent and machiavellian',
      '(you are|you re|act as|acting as|tu es|vous etes|agis comme) [(a|an|un|une)] dan',
      '(anti dan|dan #|dude|stan|betterdan|evilbot|ucar|apophis)',
      '(as|like) (a|an) (dan|unfiltered|uncensored|amoral|unrestricted) (ai|chatbot|model|assistant|language model)',
      '(unfiltered|uncensored|amoral|unrestricted|unethical) (ai|chatbot|model|assistant|response|responses|version)',
      '(ia|chatbot|modele|assistant|version) (non censuree|non censure|sans filtre|debride|debridee|amorale|sans limites)',
    ],
  },
  {
    code: 'unlocked_mode',
    kind: 'direct',
    weight: 0.75,
    en: 'Asks the assistant to switch to a special mode (developer, god, debug mode...)',
    fr: 'Demande à l’assistant de passer dans un mode spécial (développeur, dieu, débogage...)',
    patterns: [
      '(developer|dev|god|debug|sudo|admin|maintenance|root) mode (enabled|activated|on|output|response|responses)',
      '(enable|enabled|activate|activated|enter|entering|switch to|with) (developer|dev|god|debug|sudo|admin|root) mode',
      '(active|activez|activer|passe|passez|passer|entre|entrez|bascule|basculez) (en|le) mode (developpeur|dieu|debogage|administrateur|root)',
    ],
  },
  {
    code: 'role_override',
    kind: 'direct',
    weight: 1,
    en: 'Tries to give the assistant a new identity or role',
    fr: 'Tente de donner à l’assistant une nouvelle identité ou un nouveau rôle',
    patterns: [
      'you are (now|going to|about to|no longer) (a|an|my|the|free|called|named|in|going|to|acting|playing|dan)',
      '(from now on|starting now|henceforth|for the rest of this conversation) [,] (you|your)',
      'pretend (to be|you are|that you are|you re)',
      '(act|behave|respond|answer) as (if you|though you|if you were)',
      'you (will|shall|must) [now] (act|pretend|roleplay|role play|simulate|answer as|respond as)',
      '(roleplay|role play) as',
      '(tu es|vous etes) (maintenant|desormais|a present) (un|une|le|la|mon|libre|en mode)',
      '(a partir de maintenant|desormais|dorenavant|a partir de ce moment) [,] (tu|vous)',
      '(fais|faites|faire) semblant',
      '(joue|jouez|jouer|incarne|incarnez|incarner) (le role|un personnage|le personnage)',
      '(agis|agissez|comporte toi|comportez vous) comme (si|un|une)',
    ],
  },
  {
    code: 'no_restrictions',
    kind: 'direct',
    weight: 1.5,
    en: 'Asks to drop safety rules, filters or content policy',
    fr: 'Demande de lever les règles de sécurité, filtres ou politique de contenu',
    patterns: [
      '(no|without|free from|free of|not bound by|broken free of|break free of|ignore|bypass|beyond) * (restrictions|limitations|limits|filters|filtering|censorship|guidelines|ethics|morals|morality|ethical|policies|policy|safeguards|boundaries)',
      '(content|usage|openai|safety) (policy|policies|guidelines|filter|filters)',
      '(does not|doesn t|do not|don t|will not|won t|never) [have to] (abide|comply|follow|adhere|care) * (rules|policies|policy|guidelines|ethics|laws|morals)',
      '(never|not) (refuse|refuses|decline|declines) [any] (request|requests|question|questions|anything)',
      '(illegal|unethical|immoral|harmful) (or|and) (illegal|unethical|immoral|harmful|offensive)',
      '(sans|aucune|aucun|pas de) (restriction|restrictions|limite|limites|limitation|limitations|filtre|filtres|censure|regle|regles|morale|ethique|tabou|tabous)',
      '(politique|politiques|regles) (de contenu|d utilisation|de securite|d openai)',
      '(ne|n) (refuse|refuses|refusez|refuseras) (jamais|aucune|rien)',
    ],
  },
  {
    code: 'system_prompt_extraction',
    kind: 'extraction',
    weight: 2.5,
    en: 'Asks the assistant to reveal its system prompt or hidden instructions',
    fr: 'Demande à l’assistant de révéler son prompt système ou ses instructions cachées',
    patterns: [
      '(reveal|show|print|repeat|display|output|tell me|give me|share|leak|dump|recite|write out|spell out|list|translate|summarize|paste|copy) * (system prompt|system message|initial prompt|pre prompt|preprompt|your instructions|your prompt|hidden instructions|original instructions|initial instructions|secret instructions|your rules|developer message|instructions above|prompt above|text above|words above|everything above|above text|your guidelines|your configuration|access code|password|secret key|passphrase)',
      '(repeat|print|output|recite|write) (everything|all|the text|the words|all text|every word) (above|before|prior|so far|verbatim)',
      '(what|which) (is|are|were) your (system prompt|instructions|initial instructions|original instructions|rules|hidden instructions)',
      '(start|begin|prefix) your (answer|response|reply) with',
      'you are (chatgpt|a large language model|an ai) * (knowledge cutoff|trained by)',
      '(repete|repetez|repeter|revele|revelez|reveler|montre|montrez|montrer|affiche|affichez|afficher|donne|donnez|donner|ecris|ecrivez|recite|recitez|devoile|devoilez|devoiler|imprime|imprimez|traduis|traduisez|copie|copiez|liste|listez) * (tes instructions|vos instructions|ton prompt|votre prompt|prompt systeme|invite systeme|consignes initiales|message systeme|prompt initial|instructions initiales|instructions cachees|tes consignes|vos consignes|tes regles|vos regles|texte ci dessus|tout ce qui precede|mot de passe|code d acces)',
      '(quelles|quelle|quel|quels) (sont|est|etaient|etait) (tes|vos|ton|votre) (instructions|consignes|regles|prompt|prompt systeme|directives)',
      '(repete|repetez|repeter|recopie|recopiez) * (ci dessus|au dessus|qui precede)',
      '(summarize|summarise|list|tell me|show me|repeat|print|what are|what were) * (rules|instructions|guidelines) (you were given|you received|you have been given|you were told)',
      '(resume|resumez|liste|listez|donne|donnez|quelles sont|repete|repetez) * (regles|instructions|consignes) (qu on t a donnees|que tu as recues|que vous avez recues|qu on vous a donnees)',
    ],
  },
  {
    code: 'exfiltration_request',
    kind: 'indirect',
    weight: 2,
    en: 'Asks to send conversation data or secrets to an outside address',
    fr: 'Demande d’envoyer des données de la conversation ou des secrets à une adresse extérieure',
    patterns: [
      '(send|post|forward|upload|transmit|leak|exfiltrate|append|encode|include|embed) * (conversation|chat history|previous messages|user data|password|passwords|credentials|api key|cookies|secrets|personal data|email address) * (to|into|in) * (url|link|image|server|endpoint|address|webhook)',
      '(envoie|envoyez|envoyer|transmets|transmettez|transmettre|ajoute|ajoutez) * (conversation|historique|mots de passe|mot de passe|identifiants|cle api|cookies|donnees) * (url|lien|image|serveur|adresse)',
    ],
  },
  {
    code: 'encoding_hint',
    kind: 'direct',
    weight: 1,
    en: 'Mentions decoding a hidden payload (base64, rot13, hex...)',
    fr: 'Mentionne le décodage d’une charge cachée (base64, rot13, hexadécimal...)',
    patterns: [
      '(decode|decrypt|decipher|translate|convert|execute|run|follow) * (base64|b64|rot13|rot 13|hex|hexadecimal|binary|morse|caesar|reversed|reverse)',
      '(decode|decodez|decoder|dechiffre|dechiffrez|execute|executez|suis|suivez) * (base64|rot13|hexadecimal|binaire|morse|cesar|inverse)',
      '(base64|rot13|hex) (encoded|decoded|encoding) (instructions|message|text|payload|prompt)',
    ],
  },
  {
    code: 'addressed_to_assistant',
    kind: 'indirect',
    weight: 1.5,
    documentOnly: true,
    en: 'Text in the document gives orders to the assistant reading it',
    fr: 'Le document contient des ordres adressés à l’assistant qui le lit',
    patterns: [
      `(in|to|into|within|with|from|of) your ${OUTPUT_EN}`,
      `your ${OUTPUT_EN} (should|must|shall|needs to|has to)`,
      `(modify|change|alter|rewrite|format|write|render|provide|give|end|begin|start|augment|enhance|enrich|complete) your ${OUTPUT_EN}`,
      '(ai|assistant|language model|llm|chatbot|chatgpt|gpt|bot|model|agent) (must|should|shall|please|now|reading this)',
      '(dear|hey|hi|hello|attention|note to|message to|instructions for|instruction to|instruction for) [the] (ai|assistant|language model|llm|chatbot|chatgpt|gpt|bot|agent|model)',
      '(if|when) you are (an ai|a language model|an assistant|a chatbot|an llm|reading this)',
      '(following|this|the|below|subsequent) code (snippet|block|excerpt|section) * (your|the) (code|solution|implementation|codebase|response|answer|algorithm)',
      `(dans|a) (ta|votre|tes|vos) ${OUTPUT_FR}`,
      `(ta|votre) ${OUTPUT_FR} (doit|devra|devrait)`,
      '(cher|chere|a l attention de|note pour|message pour|message a) [l] (ia|assistant|intelligence artificielle|modele|chatbot|agent)',
      '(si|quand|lorsque) (tu es|vous etes) (une ia|un assistant|un modele|une intelligence artificielle|en train de lire)',
    ],
  },
  {
    code: 'task_in_document',
    kind: 'indirect',
    weight: 0.75,
    documentOnly: true,
    en: 'A sentence of the document is a request to an assistant, unrelated to the data around it',
    fr: 'Une phrase du document est une demande adressée à un assistant, sans lien avec les données autour',
    patterns: [
      '^ (explain|describe|compose|draft|write|translate|summarize|summarise|develop|outline|break down|tell me|show me|give me|provide|create|generate|list|calculate|recommend|suggest) (a|an|the|me|how|some|what|why|your|in|to|all)',
      '^ (what|who|how|which|why|where|when) (is|are|was|were|wrote|do|does|did|can|should|would) (the|a|an|i|you|we|it)',
      '^ (can|could|would) you (show|tell|explain|write|give|provide|help)',
      '^ (how|what) (do|does) you say',
      '^ (explique|expliquez|decris|decrivez|redige|redigez|ecris|ecrivez|traduis|traduisez|resume|resumez|donne|donnez|fournis|fournissez|genere|generez|liste|listez|calcule|calculez) (moi|un|une|le|la|les|comment|pourquoi|en)',
      '^ (quel|quelle|quels|quelles|qui|comment|pourquoi|ou) (est|sont|a|ont|etait|faut)',
    ],
  },
];

const RULE_INDEX = new Map(RULES.map((r, i) => [r.code, i]));

/** Structural rules with their definitions (no phrase patterns). */
export const STRUCTURAL_RULES: readonly RuleDefinition[] = [
  {
    code: 'fake_delimiter',
    kind: 'direct',
    weight: 2,
    en: 'Fake chat-format delimiter or role marker ([INST], </s>, ### system...)',
    fr: 'Faux délimiteur de format de conversation ou marqueur de rôle ([INST], </s>, ### system...)',
  },
  {
    code: 'encoded_payload',
    kind: 'direct',
    weight: 1,
    en: 'Long encoded block (base64 or hexadecimal) that may hide instructions',
    fr: 'Long bloc encodé (base64 ou hexadécimal) pouvant cacher des instructions',
  },
  {
    code: 'markdown_exfiltration',
    kind: 'indirect',
    weight: 2,
    en: 'Markdown image or link to an outside address carrying data in its query (exfiltration)',
    fr: 'Image ou lien markdown vers une adresse extérieure portant des données dans sa requête (exfiltration)',
  },
  {
    code: 'obfuscated_text',
    kind: 'obfuscation',
    weight: 1,
    en: 'Text hidden or disguised (invisible characters, look-alike letters, leetspeak, spaced letters)',
    fr: 'Texte caché ou déguisé (caractères invisibles, lettres sosies, leetspeak, lettres espacées)',
  },
];

export const ALL_RULES: readonly RuleDefinition[] = [...RULES, ...STRUCTURAL_RULES];
export const RULE_BY_CODE: ReadonlyMap<string, RuleDefinition> = new Map(ALL_RULES.map((r) => [r.code, r]));

/** Built at the first text read (30 ms), not when the module is loaded by every `vigie` command. */
let matcher: PhraseMatcher | undefined;

// Role markers of chat templates; `(?:^|\n)` anchors keep the scan linear.
const DELIMITER =
  /<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id)\|>|<\/?s>|\[\/?INST\]|<<\/?SYS>>|(?:^|\n)[ \t]{0,8}#{2,6}[ \t]{0,8}(?:system|instructions?|assistant|new instructions?|admin)\b|(?:^|\n)[ \t]{0,8}(?:system|assistant)[ \t]{0,4}:|\b(?:END|BEGIN) OF (?:PROMPT|INPUT|CONTEXT|SYSTEM PROMPT|INSTRUCTIONS)\b|\bPROMPT (?:START|END)\b/gi;
const BASE64 = /[A-Za-z0-9+/]{48,}={0,2}/g;
const HEX = /\b[0-9a-fA-F]{80,}\b/g;

function firstMatch(re: RegExp, text: string): { count: number; start: number; end: number } | undefined {
  re.lastIndex = 0;
  let count = 0;
  let start = -1;
  let end = -1;
  for (let m = re.exec(text); m !== null && count < 100; m = re.exec(text)) {
    if (count === 0) {
      start = m.index;
      end = m.index + m[0].length;
    }
    count++;
    if (m[0].length === 0) re.lastIndex++;
  }
  return count > 0 ? { count, start, end } : undefined;
}

/**
 * Markdown images/links whose URL carries a query with data-like parameters. A hand-written
 * scan rather than one regular expression: each `](http` is looked at once, the look-back for
 * `[` is bounded, and the look-ahead never rescans what a previous link covered (linear).
 */
function markdownExfiltration(text: string): { count: number; start: number; end: number } | undefined {
  let count = 0;
  let start = -1;
  let end = -1;
  let from = 0;
  while (count < 100) {
    const at = text.indexOf('](http', from);
    if (at < 0) break;
    let open = -1;
    for (let i = at - 1; i >= Math.max(0, at - 200); i--) {
      const c = text.charCodeAt(i);
      if (c === 10) break;
      if (c === 91) {
        open = i;
        break;
      }
    }
    let close = at + 2;
    while (close < text.length && close - at < 2000) {
      const c = text.charCodeAt(close);
      if (c === 41 || c === 32 || c === 10 || c === 13 || c === 9) break;
      close++;
    }
    from = Math.max(at + 1, close);
    if (open < 0 || text.charCodeAt(close) !== 41 || !/^https?:\/\//.test(text.slice(at + 2, at + 10))) continue;
    const image = open > 0 && text.charCodeAt(open - 1) === 33;
    const link = text.slice(image ? open - 1 : open, close + 1);
    const url = text.slice(at + 2, close);
    const query = url.indexOf('?');
    // An image is fetched without a click: any query counts; a link needs a long or templated query.
    const templated = /[{}$]|%7B|[?&](?:data|q|msg|history|secret|password|token|c|d)=/i.test(url);
    if ((image && query > 0) || templated || (query > 0 && url.length - query > 60)) {
      if (count === 0) {
        start = image ? open - 1 : open;
        end = start + link.length;
      }
      count++;
    }
  }
  return count > 0 ? { count, start, end } : undefined;
}

/** 1 for the base64 alphabet `[A-Za-z0-9+/]` (hex digits are a subset). */
const BASE64_UNIT = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47) BASE64_UNIT[c] = 1;

/** True when the text holds a run of 48 base64 characters: without one, neither payload regex can match. */
function hasLongBase64Run(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && BASE64_UNIT[c] === 1) {
      if (++run >= 48) return true;
    } else run = 0;
  }
  return false;
}

/** Base64 runs must mix cases and digits: long words or paths are not payloads. */
function encodedPayload(text: string): { count: number; start: number; end: number } | undefined {
  if (!hasLongBase64Run(text)) return undefined;
  BASE64.lastIndex = 0;
  let count = 0;
  let start = -1;
  let end = -1;
  for (let m = BASE64.exec(text); m !== null && count < 100; m = BASE64.exec(text)) {
    const s = m[0];
    if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s) && !s.includes('//')) {
      if (count === 0) {
        start = m.index;
        end = m.index + s.length;
      }
      count++;
    }
  }
  const hex = firstMatch(HEX, text);
  if (hex && count === 0) return hex;
  return count > 0 ? { count, start, end } : undefined;
}

export interface RuleScan {
  readonly normalized: Normalized;
  readonly hits: readonly RuleHit[];
}

/** Runs every rule on the text; document-only rules run in document mode only. */
export function scanRules(text: string, mode: InjectionMode, normalized: Normalized = normalize(text)): RuleScan {
  const perRule = new Map<string, { count: number; span?: { start: number; end: number } }>();
  const add = (code: string, count: number, span?: { start: number; end: number }) => {
    const prior = perRule.get(code);
    if (prior) prior.count += count;
    else perRule.set(code, span ? { count, span } : { count });
  };
  matcher ??= new PhraseMatcher(RULES.map((r) => r.patterns ?? []));
  for (const m of matcher.match(normalized.words)) {
    const rule = RULES[m.family];
    if (!rule || (rule.documentOnly && mode !== 'document')) continue;
    add(rule.code, 1, { start: normalized.starts[m.first] ?? 0, end: normalized.ends[m.last] ?? 0 });
  }
  const delimiter = firstMatch(DELIMITER, text);
  if (delimiter) add('fake_delimiter', delimiter.count, { start: delimiter.start, end: delimiter.end });
  const encoded = encodedPayload(text);
  if (encoded) add('encoded_payload', encoded.count, { start: encoded.start, end: encoded.end });
  const exfil = markdownExfiltration(text);
  if (exfil) add('markdown_exfiltration', exfil.count, { start: exfil.start, end: exfil.end });
  const o = normalized.obfuscation;
  const obfuscations = (o.invisible > 0 ? 1 : 0) + o.tagChars + o.confusables + o.spaced + (o.leet >= 2 ? o.leet : 0);
  if (obfuscations > 0) add('obfuscated_text', obfuscations);
  const hits: RuleHit[] = [];
  for (const [code, { count, span }] of perRule) {
    const rule = RULE_BY_CODE.get(code);
    if (!rule) continue;
    hits.push(span ? { code, weight: rule.weight, count, span } : { code, weight: rule.weight, count });
  }
  hits.sort((a, b) => (RULE_INDEX.get(a.code) ?? 99) - (RULE_INDEX.get(b.code) ?? 99) || (a.code < b.code ? -1 : 1));
  return { normalized, hits };
}
