/** Tells French from English (or neither) by frequent function words: enough to route and report. */
import { SENTENCE_BREAK } from './normalize.js';
import type { InjectionLanguage } from './types.js';

const FR = new Set(
  'le la les des du un une et est que qui dans pour pas vous tu je il elle ce cette sur avec au aux mais ou sont votre ton ta tes vos nous leur ne se sa son plus comme etre fait tout'.split(
    ' ',
  ),
);
const EN = new Set(
  'the and is are of to in that it you for on with this be as at by not or your have from was will can what an do if my me all which their they'.split(
    ' ',
  ),
);

export function detectLanguage(words: readonly string[], limit = 400): InjectionLanguage {
  let fr = 0;
  let en = 0;
  let seen = 0;
  for (const word of words) {
    if (word === SENTENCE_BREAK) continue;
    if (++seen > limit) break;
    if (FR.has(word)) fr++;
    if (EN.has(word)) en++;
  }
  if (fr + en < 2) return 'und';
  if (fr > en * 1.2) return 'fr';
  if (en > fr * 1.2) return 'en';
  return 'und';
}
