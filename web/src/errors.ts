// Turns any thrown value into a sentence for people: the catalog's translation of the error code first.
import type { TFunction } from 'i18next';
import { ERROR_CATALOG, isErrorCode, type Locale } from '../../src/core/index.ts';
import { ApiError, NETWORK_ERROR } from './api.ts';

// For these codes the server's own message says which field or record is at fault: worth showing too.
const CODES_WITH_USEFUL_DETAILS = new Set(['VIGIE_ERR_VALIDATION', 'VIGIE_ERR_CONFLICT', 'VIGIE_ERR_NOT_FOUND']);

export function errorMessage(error: unknown, t: TFunction, locale: Locale): string {
  if (!(error instanceof ApiError)) return t('errors.unexpected', { code: error instanceof Error ? error.name : '?' });
  if (error.code === NETWORK_ERROR) return t('errors.network');
  if (!isErrorCode(error.code)) return error.message || t('errors.unexpected', { code: error.code });

  const parts: string[] = [ERROR_CATALOG[error.code].message[locale]];
  if (error.code === 'VIGIE_ERR_RATE_LIMITED' && error.retryAfter !== null) {
    parts.push(t('errors.retryIn', { seconds: error.retryAfter }));
  }
  if (
    CODES_WITH_USEFUL_DETAILS.has(error.code) &&
    error.message &&
    error.message !== ERROR_CATALOG[error.code].message.en
  ) {
    parts.push(t('errors.details', { message: error.message }));
  }
  return parts.join(' ');
}
