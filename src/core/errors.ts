/**
 * The error catalog: stable codes, each with its HTTP status and a French and English
 * message. Codes are never reused or renamed; `docs/errors.md` documents every one
 * (a test checks it). API errors all have the shape { statusCode, code, error, message }.
 */
import type { LocalizedText } from './i18n.js';

interface CatalogEntry {
  readonly status: number;
  readonly message: LocalizedText;
}

export const ERROR_CATALOG = {
  VIGIE_ERR_VALIDATION: {
    status: 400,
    message: { en: 'The request is not valid.', fr: "La requête n'est pas valide." },
  },
  VIGIE_ERR_BAD_JSON: {
    status: 400,
    message: { en: 'The request body is not valid JSON.', fr: "Le corps de la requête n'est pas un JSON valide." },
  },
  VIGIE_ERR_UNAUTHENTICATED: {
    status: 401,
    message: { en: 'You need to sign in.', fr: 'Vous devez vous connecter.' },
  },
  VIGIE_ERR_BAD_CREDENTIALS: {
    status: 401,
    message: {
      en: 'Wrong user name or password. After repeated failures, sign-in is paused for a few minutes.',
      fr: "Nom d'utilisateur ou mot de passe incorrect. Après plusieurs échecs, la connexion est suspendue quelques minutes.",
    },
  },
  VIGIE_ERR_TOKEN_INVALID: {
    status: 401,
    message: {
      en: 'The API token is unknown, expired or revoked.',
      fr: "Le jeton d'API est inconnu, expiré ou révoqué.",
    },
  },
  VIGIE_ERR_FORBIDDEN: {
    status: 403,
    message: { en: 'Your role does not allow this.', fr: 'Votre rôle ne le permet pas.' },
  },
  VIGIE_ERR_CSRF: {
    status: 403,
    message: {
      en: 'Missing or wrong anti-forgery token; reload the page.',
      fr: 'Jeton anti-falsification absent ou incorrect ; rechargez la page.',
    },
  },
  VIGIE_ERR_NOT_FOUND: {
    status: 404,
    message: { en: 'Not found.', fr: 'Introuvable.' },
  },
  VIGIE_ERR_METHOD_NOT_ALLOWED: {
    status: 405,
    message: { en: 'Method not allowed.', fr: 'Méthode non autorisée.' },
  },
  VIGIE_ERR_CONFLICT: {
    status: 409,
    message: { en: 'This conflicts with existing data.', fr: 'Conflit avec des données existantes.' },
  },
  VIGIE_ERR_BODY_TOO_LARGE: {
    status: 413,
    message: { en: 'The request body is too large.', fr: 'Le corps de la requête est trop volumineux.' },
  },
  VIGIE_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: { en: 'Unsupported content type.', fr: 'Type de contenu non pris en charge.' },
  },
  VIGIE_ERR_ACCOUNT_DISABLED: {
    status: 403,
    message: { en: 'This account is disabled.', fr: 'Ce compte est désactivé.' },
  },
  VIGIE_ERR_RATE_LIMITED: {
    status: 429,
    message: { en: 'Too many requests; try again later.', fr: 'Trop de requêtes ; réessayez plus tard.' },
  },
  VIGIE_ERR_WEAK_PASSWORD: {
    status: 400,
    message: {
      en: 'The password must have at least 12 characters and must not contain the user name.',
      fr: "Le mot de passe doit compter au moins 12 caractères et ne pas contenir le nom d'utilisateur.",
    },
  },
  VIGIE_ERR_GUARD_BLOCKED: {
    status: 400,
    message: {
      en: 'The Guard policy blocked this text: it may not be sent to this AI service.',
      fr: 'La politique Guard a bloqué ce texte : il ne peut pas être envoyé à ce service d’IA.',
    },
  },
  VIGIE_ERR_UPSTREAM: {
    status: 502,
    message: {
      en: 'The AI service behind the Guard proxy failed or gave an unreadable answer.',
      fr: 'Le service d’IA derrière le proxy Guard a échoué ou donné une réponse illisible.',
    },
  },
  VIGIE_ERR_UPSTREAM_TIMEOUT: {
    status: 504,
    message: {
      en: 'The AI service behind the Guard proxy did not answer in time.',
      fr: 'Le service d’IA derrière le proxy Guard n’a pas répondu à temps.',
    },
  },
  VIGIE_ERR_UPSTREAM_UNCONFIGURED: {
    status: 503,
    message: {
      en: 'The Guard proxy has no AI service configured (VIGIE_GUARD_UPSTREAM_URL).',
      fr: 'Le proxy Guard n’a pas de service d’IA configuré (VIGIE_GUARD_UPSTREAM_URL).',
    },
  },
  VIGIE_ERR_CONFIG: {
    status: 500,
    message: { en: 'Invalid configuration.', fr: 'Configuration invalide.' },
  },
  VIGIE_ERR_STORE_UNAVAILABLE: {
    status: 503,
    message: { en: 'The database is unavailable.', fr: 'La base de données est indisponible.' },
  },
  VIGIE_ERR_INTERNAL: {
    status: 500,
    message: { en: 'Internal error.', fr: 'Erreur interne.' },
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}

/** An expected failure with a stable code; anything else thrown is a bug (opaque 500). */
export class VigieError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
    super(message ?? ERROR_CATALOG[code].message.en);
    this.name = 'VigieError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = details;
  }
}
