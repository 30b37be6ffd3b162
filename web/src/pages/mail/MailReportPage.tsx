// Mail → Analyse a message: drop an .eml (or choose it), read Vigie's verdict and its reasons, and report the
// message to the security team. Nothing is kept until the person reports it.
import { type DragEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, analyzeMail, type MailAnalysis, type MailQueueItem, reportMail } from '../../api.ts';
import { StatusMessage } from '../../components/StatusMessage.tsx';
import { formatDateTime } from '../../format.ts';
import { useLocale } from '../../i18n.ts';
import { can, useSession } from '../../session.ts';
import { useStatus } from '../../status.ts';
import { MailAnalysisView } from './MailAnalysisView.tsx';
import { formatBytes, triageHref } from './mailFormat.ts';

/** The server's limit for one message (25 MiB): checked here too, to say so before uploading. */
const MAX_BYTES = 25 * 1024 * 1024;

type Reported = { item: MailQueueItem; duplicate: boolean };

/** The server's answer for a file that holds no header field: no message at all (`mail.not_a_message`). */
function isNotAMessage(error: unknown): boolean {
  if (!(error instanceof ApiError) || error.code !== 'VIGIE_ERR_VALIDATION') return false;
  const details = error.body.details as { reason?: unknown } | undefined;
  return details?.reason === 'mail.not_a_message';
}

export function MailReportPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const session = useSession();
  const id = useId();
  const status = useStatus();
  const [file, setFile] = useState<File | null>(null);
  const [analysis, setAnalysis] = useState<MailAnalysis | null>(null);
  const [analysing, setAnalysing] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [reported, setReported] = useState<Reported | null>(null);
  const [dragging, setDragging] = useState(false);
  /** A file refused before sending it (empty, over the size limit), or by the server as no message. */
  const [problem, setProblem] = useState<'empty' | 'tooLarge' | 'notAMessage' | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const verdictHeading = useRef<HTMLHeadingElement>(null);
  // Answers for a file replaced in the meantime are dropped.
  const generation = useRef(0);

  // A new verdict is what the person waits for: move focus (and the screen reader) to it.
  useEffect(() => {
    if (analysis) verdictHeading.current?.focus();
  }, [analysis]);

  async function choose(chosen: File | undefined): Promise<void> {
    if (!chosen) return;
    const ticket = ++generation.current;
    setFile(chosen);
    setAnalysis(null);
    setReported(null);
    status.clear();
    setProblem(chosen.size === 0 ? 'empty' : chosen.size > MAX_BYTES ? 'tooLarge' : null);
    if (chosen.size === 0 || chosen.size > MAX_BYTES) return;
    setAnalysing(true);
    try {
      const result = await analyzeMail(chosen);
      if (ticket === generation.current) setAnalysis(result);
    } catch (error) {
      if (ticket !== generation.current) return;
      if (isNotAMessage(error)) setProblem('notAMessage');
      else status.failure(error);
    } finally {
      if (ticket === generation.current) setAnalysing(false);
    }
  }

  async function report(): Promise<void> {
    if (!file) return;
    setReporting(true);
    status.clear();
    try {
      setReported(await reportMail(file));
    } catch (error) {
      status.failure(error);
    } finally {
      setReporting(false);
    }
  }

  function reset(): void {
    generation.current += 1;
    setFile(null);
    setAnalysis(null);
    setReported(null);
    setAnalysing(false);
    setProblem(null);
    status.clear();
    if (input.current) input.current.value = '';
    input.current?.focus();
  }

  function onDrop(event: DragEvent<HTMLElement>): void {
    event.preventDefault();
    setDragging(false);
    void choose(event.dataTransfer.files[0]);
  }

  function onDragOver(event: DragEvent<HTMLElement>): void {
    // Without preventDefault the browser would open the dropped file itself.
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    if (!dragging) setDragging(true);
  }

  return (
    <>
      <div className="page-heading">
        <h1>{t('mail.reportTitle')}</h1>
      </div>
      <p className="page-intro">{t('mail.reportIntro')}</p>
      <section
        className={`drop-zone${dragging ? ' drop-zone-active' : ''}${analysis || analysing ? ' drop-zone-compact' : ''}`}
        aria-labelledby={`${id}-drop`}
        data-testid="drop-zone"
        onDragOver={onDragOver}
        onDragEnter={onDragOver}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <h2 id={`${id}-drop`} className="drop-zone-title">
          {t('mail.dropTitle')}
        </h2>
        <p className="drop-zone-or">{t('mail.dropOr')}</p>
        <label htmlFor={`${id}-file`} className="button-link drop-zone-button">
          {t('mail.chooseFile')}
        </label>
        <input
          id={`${id}-file`}
          ref={input}
          type="file"
          className="visually-hidden file-input"
          accept=".eml,message/rfc822"
          aria-describedby={`${id}-help`}
          onChange={(event) => void choose(event.target.files?.[0])}
        />
        <p id={`${id}-help`} className="hint">
          {t('mail.dropHelp', { max: formatBytes(MAX_BYTES, locale) })}
        </p>
      </section>

      <StatusMessage status={status.status} />
      {problem && (
        <p className="notice notice-error" role="alert">
          {problem === 'empty'
            ? t('mail.fileEmpty', { name: file?.name ?? '' })
            : problem === 'notAMessage'
              ? t('mail.fileNotAMessage', { name: file?.name ?? '' })
              : t('mail.fileTooLarge', { name: file?.name ?? '', max: formatBytes(MAX_BYTES, locale) })}
        </p>
      )}
      {analysing && (
        <p role="status" className="analysing">
          {t('mail.analysing', { name: file?.name ?? '' })}
        </p>
      )}

      {analysis && file && (
        <>
          <section className="card report-bar" aria-labelledby={`${id}-report`}>
            <div className="report-bar-text">
              <h2 id={`${id}-report`}>{t('mail.reportHeading')}</h2>
              <p className="muted report-bar-note">
                {t('mail.fileInfo', { name: file.name, size: formatBytes(file.size, locale) })}{' '}
                {t(`mail.reportAdvice.${analysis.verdict}`)}
              </p>
            </div>
            <div className="button-row">
              {!reported && (
                <button type="button" onClick={() => void report()} disabled={reporting}>
                  {reporting ? t('mail.reporting') : t('mail.reportButton')}
                </button>
              )}
              <button type="button" className="button-secondary" onClick={reset}>
                {t('mail.another')}
              </button>
            </div>
            <div className="status-region report-result" aria-live="polite">
              {reported && (
                <div className="notice notice-success" data-testid="report-result">
                  <p>
                    {reported.duplicate
                      ? t('mail.reportedDuplicate', { time: formatDateTime(reported.item.receivedAt, locale) })
                      : t('mail.reported')}
                  </p>
                  {can(session, 'mail:read') && (
                    <p>
                      <a href={triageHref(reported.item.id)}>{t('mail.openInTriage')}</a>
                    </p>
                  )}
                </div>
              )}
            </div>
          </section>
          <MailAnalysisView analysis={analysis} headingRef={verdictHeading} />
        </>
      )}
    </>
  );
}
