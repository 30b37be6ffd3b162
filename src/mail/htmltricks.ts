/**
 * Tricks of the HTML body itself: text hidden from the reader (to fool filters), zero-width
 * characters splitting words, forms and scripts inside a mail, smuggled payloads, and mails that
 * are little more than a picture and a link. Reads the facts html.ts extracted; no parsing here.
 */
import type { Reason, SignalContext } from './types.js';

const LETTER = /\p{L}/u;

/** Letters (any script) in a string, counting no further than `max`. */
function letterCount(text: string, max = Number.POSITIVE_INFINITY): number {
  let n = 0;
  for (let i = 0; i < text.length && n < max; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) n++;
    } else if (c < 0xd800 || c > 0xdfff) {
      if (LETTER.test(text.charAt(i))) n++;
    } else if (c <= 0xdbff && LETTER.test(text.slice(i, i + 2))) {
      n++;
      i++;
    }
  }
  return n;
}

function excerpt(text: string, max = 120): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** A Latin letter touching a Cyrillic/Greek/Armenian/Cherokee one (or the reverse): homoglyph words. */
const SCRIPT_SWITCH =
  /[\p{sc=Latin}][\p{sc=Cyrillic}\p{sc=Greek}\p{sc=Armenian}\p{sc=Cherokee}]|[\p{sc=Cyrillic}\p{sc=Greek}\p{sc=Armenian}\p{sc=Cherokee}][\p{sc=Latin}]/gu;

/** Words where the alphabet changes mid-word ("Lеdgеr" with Cyrillic е), counted and shown. */
export function mixedScriptWords(text: string): { count: number; words: string[] } {
  const input = text.length > 200_000 ? text.slice(0, 200_000) : text;
  // Most mail has no Greek, Cyrillic, Armenian or Cherokee letter at all: skip the Unicode scan.
  if (!/[\u0370-\u058f\u13a0-\u13ff\u1c80-\u1c8f\u1d26-\u1d2b\u2de0-\u2dff\ua640-\ua69f\uab70-\uabbf]/.test(input)) {
    return { count: 0, words: [] };
  }
  const words = new Set<string>();
  let count = 0;
  let lastEnd = -1;
  SCRIPT_SWITCH.lastIndex = 0;
  for (let m = SCRIPT_SWITCH.exec(input); m !== null && count < 1_000; m = SCRIPT_SWITCH.exec(input)) {
    // Overlapping pairs ("aеb" switches twice): resume at the second letter, a code point boundary.
    SCRIPT_SWITCH.lastIndex = m.index + ((input.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
    if (m.index < lastEnd) continue; // same word as the previous switch
    count++;
    let start = m.index;
    while (start > 0 && m.index - start < 30 && /\p{L}/u.test(input.charAt(start - 1))) start--;
    let end = m.index + 2;
    while (end < input.length && end - m.index < 30 && /\p{L}/u.test(input.charAt(end))) end++;
    lastEnd = end;
    if (words.size < 3) words.add(input.slice(start, end));
  }
  return { count, words: [...words] };
}

/** Hidden text this long (letters) is more than a preheader or a mobile-only line. */
const HIDDEN_LETTERS_WEAK = 150;
const HIDDEN_LETTERS_STRONG = 600;
/** A base64 run this long in a mail body is a payload, not an identifier. */
const BASE64_SUSPICIOUS = 2_000;
const BASE64_SMUGGLING = 20_000;

export function htmlTrickReasons(ctx: SignalContext): Reason[] {
  const { html, message } = ctx;
  const reasons: Reason[] = [];

  const hiddenLetters = letterCount(html.hiddenText);
  if (hiddenLetters >= HIDDEN_LETTERS_WEAK) {
    const strong = hiddenLetters >= HIDDEN_LETTERS_STRONG;
    reasons.push({
      code: 'mail.html.hidden_text',
      category: 'html',
      weight: strong ? 2 : 1.25,
      message: {
        fr: `Le message contient du texte caché au lecteur (${hiddenLetters} lettres invisibles : taille nulle, masqué, même couleur que le fond). C'est une technique pour tromper les filtres anti-hameçonnage.`,
        en: `The message contains text hidden from the reader (${hiddenLetters} invisible letters: zero size, hidden, same colour as the background). This is a trick to fool phishing filters.`,
      },
      data: { letters: hiddenLetters, excerpt: excerpt(html.hiddenText, 200) },
    });
  }

  if (html.zeroWidthCount >= 3) {
    reasons.push({
      code: 'mail.html.zero_width',
      category: 'html',
      weight: html.zeroWidthCount >= 10 ? 2 : 1.5,
      message: {
        fr: `Des caractères invisibles sont glissés au milieu des mots (${html.zeroWidthCount}), pour que les filtres ne reconnaissent pas des mots comme « mot de passe » ou le nom d'une marque.`,
        en: `Invisible characters are slipped inside words (${html.zeroWidthCount}), so that filters do not recognise words such as "password" or a brand name.`,
      },
      data: { count: html.zeroWidthCount },
    });
  }

  const mixed = mixedScriptWords(`${message.subject}\n${html.visibleText || message.text.slice(0, 100_000)}`);
  if (mixed.count >= 2) {
    reasons.push({
      code: 'mail.html.mixed_script',
      category: 'html',
      weight: 2,
      message: {
        fr: `Des mots mélangent des lettres de plusieurs alphabets (par exemple un « е » cyrillique dans un mot latin : ${mixed.words.join(', ')}). Ils ont l'air normaux mais trompent les filtres et imitent des noms de marque.`,
        en: `Some words mix letters from different alphabets (for example a Cyrillic "е" inside a Latin word: ${mixed.words.join(', ')}). They look normal but fool filters and imitate brand names.`,
      },
      data: { count: mixed.count, words: mixed.words },
    });
  }

  const passwordForms = html.forms.filter((f) => f.hasPassword);
  if (passwordForms.length > 0) {
    reasons.push({
      code: 'mail.html.password_form',
      category: 'html',
      weight: 4,
      message: {
        fr: 'Le message contient un formulaire qui demande un mot de passe. Aucun service légitime ne demande de saisir son mot de passe dans un e-mail.',
        en: 'The message contains a form asking for a password. No legitimate service asks you to type your password into an e-mail.',
      },
      data: { forms: passwordForms.length, actions: passwordForms.slice(0, 3).map((f) => f.action.slice(0, 200)) },
    });
  } else if (html.forms.length > 0) {
    reasons.push({
      code: 'mail.html.form',
      category: 'html',
      weight: 0.5,
      message: {
        fr: 'Le message contient un formulaire à remplir. Méfiez-vous de tout formulaire qui demande des informations personnelles.',
        en: 'The message contains a form to fill in. Be wary of any form asking for personal information.',
      },
      data: { forms: html.forms.length, actions: html.forms.slice(0, 3).map((f) => f.action.slice(0, 200)) },
    });
  }

  if (html.scriptCount > 0) {
    reasons.push({
      code: 'mail.html.script',
      category: 'html',
      weight: 0.5,
      message: {
        fr: `Le message contient du code (${html.scriptCount} script(s)). Les messageries ne l'exécutent normalement pas, mais un message légitime n'en a pas besoin.`,
        en: `The message contains code (${html.scriptCount} script(s)). Mail programs normally do not run it, but a legitimate message has no need for it.`,
      },
      data: { scripts: html.scriptCount },
    });
  }

  if (html.longestBase64Run >= BASE64_SUSPICIOUS) {
    const smuggling = html.longestBase64Run >= BASE64_SMUGGLING || html.scriptCount > 0;
    reasons.push({
      code: 'mail.html.base64_blob',
      category: 'html',
      weight: smuggling ? 3 : 1.5,
      message: {
        fr: `Le corps du message cache un gros bloc de données encodées (${html.longestBase64Run} caractères)${smuggling ? ', typique d’un fichier dangereux fabriqué dans le navigateur à l’ouverture' : ''}.`,
        en: `The body of the message hides a large block of encoded data (${html.longestBase64Run} characters)${smuggling ? ', typical of a dangerous file built in the browser when opened' : ''}.`,
      },
      data: { length: html.longestBase64Run, withScript: html.scriptCount > 0 },
    });
  }

  // A picture with a link and almost no words: the text a filter would read is in the image.
  if (message.html.length > 0) {
    const visibleLetters = letterCount(html.visibleText, 60);
    const pictures = html.imageSources.length;
    const links = ctx.links.filter((l) => l.source === 'html' && /^(?:https?:)?\/\//i.test(l.href)).length;
    const plainLetters = letterCount(message.text, 200);
    if (visibleLetters < 60 && pictures > 0 && links > 0 && plainLetters < 200) {
      reasons.push({
        code: 'mail.html.image_only',
        category: 'html',
        weight: 1,
        message: {
          fr: "Le message est presque entièrement une image avec un lien : le texte est dans l'image, là où les filtres ne le lisent pas.",
          en: 'The message is almost entirely a picture with a link: the text is in the image, where filters do not read it.',
        },
        data: { visibleLetters, images: pictures, links },
      });
    }
  }

  return reasons;
}
