// Shown for an unknown path, or a known one the person's role does not reach.
import { useTranslation } from 'react-i18next';
import { hrefFor } from '../router.ts';

export function NotFoundPage({ kind }: { kind: 'notFound' | 'forbidden' }) {
  const { t } = useTranslation();
  return (
    <>
      <h1>{kind === 'forbidden' ? t('errors.forbiddenPage') : t('errors.notFound')}</h1>
      <p>
        <a href={hrefFor('/')}>{t('errors.backHome')}</a>
      </p>
    </>
  );
}
