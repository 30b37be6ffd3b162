// Home: the organisation's posture for those allowed to read it, a personal welcome for everyone else.
import { useTranslation } from 'react-i18next';
import { hrefFor } from '../router.ts';
import { can, displayNameOf, useSession } from '../session.ts';
import { PostureView } from './PostureView.tsx';

export function HomePage() {
  const session = useSession();
  // Learners lack posture:read: do not even call /api/posture, it would only answer 403.
  return can(session, 'posture:read') ? <PostureView /> : <PersonalHome />;
}

function PersonalHome() {
  const { t } = useTranslation();
  const session = useSession();
  const { user } = session;
  return (
    <>
      <h1>{t('personal.title', { name: displayNameOf(user) })}</h1>
      <div className="card card-narrow">
        <p>{t('personal.role', { role: t(`roles.${user.role}`) })}</p>
        <p>{t('personal.intro')}</p>
        {can(session, 'mail:report') && (
          <p>
            {t('personal.reportIntro')} <a href={hrefFor('/mail')}>{t('personal.reportLink')}</a>
          </p>
        )}
        <p>
          <a className="button-link" href={hrefFor('/account')}>
            {t('personal.accountLink')}
          </a>
        </p>
      </div>
    </>
  );
}
