// One message's analysis, as the analyse page and the triage detail both show it: the verdict and its score,
// the reasons in plain language (strongest first, each with its weight), the links and attachments found,
// and the ATT&CK techniques. The message itself is never rendered: only what the engine extracted, as text.
import { type Ref, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailAnalysis, MailReason, MailVerdict } from '../../api.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';
import { formatNumber } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import {
  attackHref,
  CATEGORY_KEYS,
  formatBytes,
  formatScore,
  formatWeight,
  shortHash,
  splitUrl,
  VERDICT_BADGE,
  verdictLabel,
} from './mailFormat.ts';

export function VerdictBadge({ verdict }: { verdict: MailVerdict }) {
  const { t } = useTranslation();
  return <span className={VERDICT_BADGE[verdict] ?? 'badge badge-muted'}>{verdictLabel(verdict, t)}</span>;
}

interface Props {
  analysis: MailAnalysis;
  /** The verdict heading, focused by the page when a new analysis arrives. */
  headingRef?: Ref<HTMLHeadingElement>;
}

export function MailAnalysisView({ analysis, headingRef }: Props) {
  const { t } = useTranslation();
  const locale = useLocale();
  const id = useId();
  const scoreText = formatScore(analysis.score, locale);
  return (
    <div className="mail-analysis" data-testid="mail-analysis">
      <section className={`card verdict-card verdict-${analysis.verdict}`} aria-labelledby={`${id}-verdict`}>
        <div className="verdict-top">
          <h2 id={`${id}-verdict`} ref={headingRef} tabIndex={-1}>
            {t('mail.verdictHeading')} <VerdictBadge verdict={analysis.verdict} />
          </h2>
          <div className="score">
            <span className="score-value">{scoreText}</span>
            <span className="score-label">{t('mail.scoreLabel')}</span>
          </div>
        </div>
        <meter
          className="visually-hidden"
          min={0}
          max={1}
          low={analysis.thresholds.suspicious}
          high={analysis.thresholds.phishing}
          optimum={0}
          value={analysis.score}
        >
          {scoreText}
        </meter>
        <div className="score-meter" aria-hidden="true">
          <span
            className="score-meter-fill"
            style={{ width: `${Math.min(100, Math.max(0, analysis.score * 100))}%` }}
          />
          <span className="score-meter-mark" style={{ left: `${analysis.thresholds.suspicious * 100}%` }} />
          <span className="score-meter-mark" style={{ left: `${analysis.thresholds.phishing * 100}%` }} />
        </div>
        <p className="hint score-thresholds">
          {t('mail.thresholds', {
            suspicious: formatScore(analysis.thresholds.suspicious, locale),
            phishing: formatScore(analysis.thresholds.phishing, locale),
          })}
        </p>
        <p className="verdict-explain">{t(`mail.verdictExplain.${analysis.verdict}`)}</p>
        <Summary analysis={analysis} />
      </section>

      <section className="card mail-section" aria-labelledby={`${id}-reasons`}>
        <h2 id={`${id}-reasons`}>{t('mail.reasonsTitle', { count: analysis.reasons.length })}</h2>
        {analysis.reasons.length === 0 ? (
          <EmptyState>{t('mail.reasonsEmpty')}</EmptyState>
        ) : (
          <>
            <p className="hint">{t('mail.reasonsHint')}</p>
            <Reasons reasons={analysis.reasons} />
          </>
        )}
      </section>

      <Indicators analysis={analysis} headingId={`${id}-indicators`} />

      <section className="card mail-section" aria-labelledby={`${id}-techniques`}>
        <h2 id={`${id}-techniques`}>{t('mail.techniquesTitle')}</h2>
        {analysis.techniques.length === 0 ? (
          <p className="muted">{t('mail.techniquesEmpty')}</p>
        ) : (
          <ul className="technique-list">
            {analysis.techniques.map((technique) => {
              const href = attackHref(technique);
              return (
                <li key={technique}>
                  {href ? (
                    <a href={href} target="_blank" rel="noopener noreferrer">
                      <code>{technique}</code>
                      <span className="visually-hidden"> {t('mail.opensNewTab')}</span>
                    </a>
                  ) : (
                    <code>{technique}</code>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {analysis.modelFeatures.length > 0 && <ModelFeatures analysis={analysis} />}
        <p className="hint model-version">{t('mail.modelVersion', { version: analysis.modelVersion })}</p>
      </section>
    </div>
  );
}

function Summary({ analysis }: { analysis: MailAnalysis }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { summary } = analysis;
  return (
    <dl className="facts mail-facts">
      <div>
        <dt>{t('mail.subject')}</dt>
        <dd className="cell-break-any">{summary.subject || <span className="muted">{t('mail.noSubject')}</span>}</dd>
      </div>
      <div>
        <dt>{t('mail.from')}</dt>
        <dd className="cell-break-any">{summary.from || <span className="muted">{t('common.none')}</span>}</dd>
      </div>
      {summary.replyTo.length > 0 && (
        <div>
          <dt>{t('mail.replyTo')}</dt>
          <dd className="cell-break-any">{summary.replyTo.join(', ')}</dd>
        </div>
      )}
      <div>
        <dt>{t('mail.contents')}</dt>
        <dd>
          {t('mail.contentsValue', {
            size: formatBytes(summary.size, locale),
            links: formatNumber(summary.links, locale),
            attachments: formatNumber(summary.attachments, locale),
          })}
        </dd>
      </div>
    </dl>
  );
}

/** Strongest push towards phishing first; reasons that speak for the message come last. */
function Reasons({ reasons }: { reasons: MailReason[] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const sorted = [...reasons].sort((a, b) => b.weight - a.weight);
  const largest = Math.max(1, ...sorted.map((reason) => Math.abs(reason.weight)));
  return (
    <ol className="reason-list">
      {sorted.map((reason, index) => {
        const towards = reason.weight > 0 ? 'phishing' : reason.weight < 0 ? 'clean' : 'neutral';
        const width = `${(Math.abs(reason.weight) / largest) * 100}%`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: one code may appear twice; the sorted order is fixed.
          <li key={`${reason.code}-${index}`} className={`reason reason-${towards}`}>
            <div className="reason-head">
              <span className={`category category-${reason.category}`}>{t(CATEGORY_KEYS[reason.category])}</span>
              <p className="reason-message">{reason.message[locale]}</p>
            </div>
            <div className="reason-weight">
              <span className="weight-bar" aria-hidden="true">
                <span className="weight-half weight-half-clean">
                  {reason.weight < 0 && <span className="weight-fill" style={{ width }} />}
                </span>
                <span className="weight-half weight-half-phishing">
                  {reason.weight > 0 && <span className="weight-fill" style={{ width }} />}
                </span>
              </span>
              <span className="weight-text">
                {towards === 'phishing' && t('mail.towardsPhishing', { weight: formatWeight(reason.weight, locale) })}
                {towards === 'clean' && t('mail.towardsClean', { weight: formatWeight(reason.weight, locale) })}
                {towards === 'neutral' && t('mail.neutral')}
              </span>
            </div>
            <ReasonData reason={reason} />
          </li>
        );
      })}
    </ol>
  );
}

/** What the signal saw (the URL, the domain, the phrases), for the analyst who wants to check it. */
function ReasonData({ reason }: { reason: MailReason }) {
  const { t } = useTranslation();
  const entries = Object.entries(reason.data ?? {}).filter(([, value]) => value !== undefined && value !== null);
  return (
    <details className="reason-details">
      <summary>{t('mail.reasonDetails')}</summary>
      <dl className="reason-data">
        <div>
          <dt>{t('mail.reasonCode')}</dt>
          <dd>
            <code>{reason.code}</code>
          </dd>
        </div>
        {entries.map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>
              {Array.isArray(value) ? (
                <ul className="data-values">
                  {value.map((item, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: values may repeat; their order is the engine's.
                    <li key={index}>
                      <code>{String(item)}</code>
                    </li>
                  ))}
                </ul>
              ) : (
                <code>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</code>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

function Indicators({ analysis, headingId }: { analysis: MailAnalysis; headingId: string }) {
  const { t } = useTranslation();
  const { urls, domains, ips, attachments } = analysis.indicators;
  return (
    <section className="card mail-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('mail.indicatorsTitle')}</h2>
      <h3>{t('mail.linksTitle', { count: urls.length })}</h3>
      {urls.length === 0 ? (
        <p className="muted">{t('mail.linksEmpty')}</p>
      ) : (
        <>
          <p className="hint">{t('mail.linksHint')}</p>
          <ul className="indicator-list">
            {urls.map((url) => (
              <li key={url} className="indicator">
                <UrlText url={url} />
                <CopyButton value={url} label={t('mail.copyUrl', { url })} />
              </li>
            ))}
          </ul>
        </>
      )}
      {(domains.length > 0 || ips.length > 0) && (
        <>
          <h3>{t('mail.domainsTitle')}</h3>
          <ul className="chip-list">
            {[...domains, ...ips].map((value) => (
              <li key={value}>
                <code className="chip">{value}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('mail.attachmentsTitle', { count: attachments.length })}</h3>
      {attachments.length === 0 ? (
        <p className="muted">{t('mail.attachmentsEmpty')}</p>
      ) : (
        <div className="table-wrap table-flat">
          <table className="attachment-table">
            <caption className="visually-hidden">{t('mail.attachmentsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('mail.attachmentName')}</th>
                <th scope="col">{t('mail.attachmentType')}</th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {attachments.map((attachment, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the same file may be attached twice.
                <tr key={`${attachment.sha256}-${index}`}>
                  <th scope="row" className="cell-break-any">
                    {attachment.filename || <span className="muted">{t('mail.attachmentUnnamed')}</span>}
                  </th>
                  <td className="cell-break-any">
                    <code>{attachment.contentType}</code>
                  </td>
                  <td>
                    <span className="hash">
                      <code title={attachment.sha256}>{shortHash(attachment.sha256)}</code>
                      <CopyButton
                        value={attachment.sha256}
                        label={t('mail.copyHash', { name: attachment.filename || attachment.sha256 })}
                      />
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A URL as inert text with its host stressed: where the link really leads is what matters. */
function UrlText({ url }: { url: string }) {
  const parts = splitUrl(url);
  const insecure = parts.scheme.toLowerCase() === 'http://';
  return (
    <code className="url-text">
      <span className={insecure ? 'url-scheme url-insecure' : 'url-scheme'}>{parts.scheme}</span>
      <strong className="url-host">{parts.host}</strong>
      <span className="url-rest">{parts.rest}</span>
    </code>
  );
}

/** The words that moved the model's text score, for analysts curious about the "wording" reason. */
function ModelFeatures({ analysis }: { analysis: MailAnalysis }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const sorted = [...analysis.modelFeatures].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return (
    <details className="reason-details model-features">
      <summary>{t('mail.modelFeatures', { count: sorted.length })}</summary>
      <ul className="chip-list">
        {sorted.map((feature) => (
          <li key={feature.feature}>
            <code className={feature.weight > 0 ? 'chip chip-phishing' : 'chip chip-clean'}>
              {feature.feature} {formatWeight(feature.weight, locale)}
            </code>
          </li>
        ))}
      </ul>
      <p className="hint">{t('mail.modelFeaturesHint')}</p>
    </details>
  );
}
