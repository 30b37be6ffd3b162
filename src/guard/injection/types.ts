/** Public types of the injection detector: options, result, reasons. */

/** `prompt`: text typed to a model; `document`: data handed to a model (web page, e-mail, file). */
export type InjectionMode = 'prompt' | 'document';

/** direct = jailbreak or hijack in a prompt; indirect = orders hidden in data; extraction = asks for the system prompt. */
export type InjectionKind = 'direct' | 'indirect' | 'extraction';

export type InjectionLanguage = 'fr' | 'en' | 'und';

export interface InjectionReason {
  /** Rule code (`ignore_instructions`...), `model.phrase` for a learnt n-gram, `input_truncated`. */
  readonly code: string;
  /** Contribution in log-odds (before calibration), signed. */
  readonly weight: number;
  readonly fr: string;
  readonly en: string;
  /** Where in the original text (UTF-16 offsets), when it is one place. */
  readonly span?: { readonly start: number; readonly end: number };
}

export interface InjectionOptions {
  readonly mode?: InjectionMode;
  /** Score at or above which `detected` is true; default: the shipped model's (1% false positives). */
  readonly threshold?: number;
  /** Longer input is cut (and said so in the result); default 65,536 UTF-16 units. */
  readonly maxLength?: number;
  /** How many reasons to return, strongest first; default 6. */
  readonly maxReasons?: number;
}

export interface InjectionResult {
  /** Calibrated probability that the text is an injection or jailbreak attempt. */
  readonly score: number;
  readonly detected: boolean;
  readonly threshold: number;
  readonly kind: InjectionKind | undefined;
  readonly reasons: readonly InjectionReason[];
  readonly language: InjectionLanguage;
  readonly mode: InjectionMode;
  /** True when only the first `maxLength` characters were analysed. */
  readonly truncated: boolean;
  readonly modelVersion: string;
}
