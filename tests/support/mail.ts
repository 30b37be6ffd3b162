/** Mail engine test fixtures: a parsed message and a signal context, with only what a test sets. */
import type {
  Brand,
  HtmlFacts,
  MailSettings,
  MessageLink,
  ParsedMessage,
  SignalContext,
} from '../../src/mail/types.js';
import { DEFAULT_MAIL_SETTINGS } from '../../src/mail/types.js';

/** What the HTML analyser finds in a message without HTML. */
export const NO_HTML: HtmlFacts = {
  visibleText: '',
  hiddenText: '',
  anchors: [],
  imageSources: [],
  forms: [],
  scriptCount: 0,
  longestBase64Run: 0,
  zeroWidthCount: 0,
};

export function parsedMessage(overrides: Partial<ParsedMessage> = {}): ParsedMessage {
  return {
    headers: [],
    from: undefined,
    sender: undefined,
    replyTo: [],
    returnPath: undefined,
    subject: '',
    text: '',
    html: '',
    attachments: [],
    problems: [],
    size: 1000,
    ...overrides,
  };
}

export function signalContext(
  parts: {
    message?: Partial<ParsedMessage>;
    settings?: Partial<MailSettings>;
    html?: Partial<HtmlFacts>;
    links?: MessageLink[];
    brands?: readonly Brand[];
  } = {},
): SignalContext {
  return {
    message: parsedMessage(parts.message),
    settings: { ...DEFAULT_MAIL_SETTINGS, ...parts.settings },
    html: { ...NO_HTML, ...parts.html },
    links: parts.links ?? [],
    brands: parts.brands ?? [],
  };
}
