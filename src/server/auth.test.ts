import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, sessionHeaders, type TestApp, testApp } from '../../tests/support/app.js';

describe('sign-in, sessions and anti-forgery', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(() => t.close());

  it('sets an HttpOnly, SameSite=Strict session cookie and returns the caller', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'vigie_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const body = res.json();
    expect(body.user).toMatchObject({ username: 'admin', role: 'admin' });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.permissions).toContain('users:write');
    const session = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: sessionHeaders(res) });
    expect(session.json().user.username).toBe('admin');
  });

  it('refuses a write without the anti-forgery header, accepts it with', async () => {
    const headers = await t.signIn('admin');
    const payload = { username: 'zoe', role: 'learner' };
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { cookie: headers.cookie ?? '' },
      payload,
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().code).toBe('VIGIE_ERR_CSRF');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: { ...headers, 'x-csrf-token': 'nope' },
      payload,
    });
    expect(wrong.json().code).toBe('VIGIE_ERR_CSRF');
    const ok = await t.app.inject({ method: 'POST', url: '/api/users', headers, payload });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().initialPassword).toMatch(/^[\w]{5}-[\w]{5}-[\w]{5}-[\w]{5}$/);
  });

  it('ends the session on sign-out', async () => {
    const headers = await t.signIn('admin');
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers });
    expect(after.statusCode).toBe(401);
  });

  it('expires an idle session', async () => {
    const headers = await t.signIn('admin');
    t.advance(9 * 3600_000);
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/session', headers });
    expect(res.json().code).toBe('VIGIE_ERR_UNAUTHENTICATED');
  });

  it('does not say whether a user name exists', async () => {
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ghost', password: 'x' },
    });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: 'x' },
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('locks an account after repeated failures, without saying so, then lets it in after the lockout', async () => {
    const login = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password } });
    for (let i = 0; i < 5; i++) expect((await login('wrong-one')).json().code).toBe('VIGIE_ERR_BAD_CREDENTIALS');
    const locked = await login(PASSWORD);
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ghost', password: 'x' },
    });
    // A locked account answers exactly like a wrong password or an unknown name.
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual(unknown.json());
    expect(await t.platform.store.audit.list({ limit: 10, action: 'user.lock' })).toHaveLength(1);
    expect((await t.platform.identity.findUserByName('admin'))?.lockedUntil).toBe('2026-03-02T09:15:00.000Z');
    t.advance(15 * 60_000 + 1);
    expect((await login(PASSWORD)).statusCode).toBe(200);
  });

  it('counts parallel guesses too: a burst locks the account and most guesses are never checked', async () => {
    const burst = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'admin', password: `guess-${i}` },
        }),
      ),
    );
    expect(burst.every((r) => r.statusCode === 401)).toBe(true);
    expect((await t.platform.identity.findUserByName('admin'))?.lockedUntil).not.toBeNull();
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: PASSWORD },
    });
    expect(right.statusCode).toBe(401);
    const reasons = await t.platform.store.db.selectFrom('login_events').select('reason').execute();
    expect(reasons.filter((r) => r.reason === 'bad_password').length).toBeLessThanOrEqual(5);
    expect(reasons.filter((r) => r.reason === 'pending')).toEqual([]);
  });

  it('lets an administrator unlock a locked account', async () => {
    const admin = await t.signIn('admin');
    const { user } = await t.platform.identity.createUser(
      { username: 'bob', role: 'analyst', password: PASSWORD },
      { actor: { kind: 'system' } },
    );
    for (let i = 0; i < 5; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'bob', password: 'bad-password' },
      });
    }
    expect((await t.platform.identity.getUser(user.id)).lockedUntil).not.toBeNull();
    const res = await t.app.inject({ method: 'POST', url: `/api/users/${user.id}/unlock`, headers: admin });
    expect(res.json().user.lockedUntil).toBeNull();
    await expect(t.signIn('bob')).resolves.toBeDefined();
  });

  it('rate-limits an address that keeps failing across accounts', async () => {
    const small = await testApp({ policy: { ipMaxFailures: 3 } });
    try {
      for (let i = 0; i < 3; i++) {
        await small.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: `user${i}`, password: 'x' },
        });
      }
      const res = await small.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'admin', password: PASSWORD },
      });
      expect(res.statusCode).toBe(429);
      expect(res.json().code).toBe('VIGIE_ERR_RATE_LIMITED');
      expect(res.headers['retry-after']).toBe('900');
    } finally {
      await small.close();
    }
  });

  it('refuses a disabled account and ends its sessions', async () => {
    const admin = await t.signIn('admin');
    const { user } = await t.platform.identity.createUser(
      { username: 'carl', role: 'analyst', password: PASSWORD },
      { actor: { kind: 'system' } },
    );
    const carl = await t.signIn('carl');
    await t.app.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers: admin, payload: { disabled: true } });
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: carl })).statusCode).toBe(401);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'carl', password: PASSWORD },
    });
    expect(res.json().code).toBe('VIGIE_ERR_ACCOUNT_DISABLED');
  });

  it('never lets the last administrator be disabled or demoted', async () => {
    const admin = await t.signIn('admin');
    const me = (await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: admin })).json().user;
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/users/${me.id}`,
      headers: admin,
      payload: { role: 'learner' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('VIGIE_ERR_CONFLICT');
  });

  it('changes a password only with the current one and a strong new one', async () => {
    const headers = await t.signIn('admin');
    const weak = await t.app.inject({
      method: 'PUT',
      url: '/api/me/password',
      headers,
      payload: { currentPassword: PASSWORD, newPassword: 'short' },
    });
    expect(weak.json().code).toBe('VIGIE_ERR_WEAK_PASSWORD');
    const wrong = await t.app.inject({
      method: 'PUT',
      url: '/api/me/password',
      headers,
      payload: { currentPassword: 'not-it', newPassword: 'a much longer passphrase' },
    });
    expect(wrong.json().code).toBe('VIGIE_ERR_BAD_CREDENTIALS');
    const ok = await t.app.inject({
      method: 'PUT',
      url: '/api/me/password',
      headers,
      payload: { currentPassword: PASSWORD, newPassword: 'a much longer passphrase' },
    });
    expect(ok.statusCode).toBe(204);
    await expect(t.signIn('admin', 'a much longer passphrase')).resolves.toBeDefined();
  });

  it('ends the other sessions when a password changes, and keeps the one that changed it', async () => {
    const here = await t.signIn('admin');
    const elsewhere = await t.signIn('admin');
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/me/password',
      headers: here,
      payload: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(res.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: here })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: elsewhere })).statusCode).toBe(401);
  });

  it('does not let a stolen session guess the current password', async () => {
    const stolen = await t.signIn('admin');
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'PUT',
        url: '/api/me/password',
        headers: stolen,
        payload: { currentPassword: `guess-${i}`, newPassword: 'attacker passphrase 1' },
      });
      expect([401, 403]).toContain(res.statusCode);
    }
    // The fifth wrong guess locked the account and ended its sessions.
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/session', headers: stolen })).statusCode).toBe(401);
    expect(await t.platform.store.audit.list({ limit: 5, action: 'user.lock' })).toHaveLength(1);
  });

  it('ignores a foreign Authorization header on public routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { authorization: 'Basic YTpi' } });
    expect(res.statusCode).toBe(200);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { authorization: 'Bearer stale' },
      payload: { username: 'admin', password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
  });

  it('stores passwords as argon2id hashes only', async () => {
    const stored = await t.platform.store.users.findByUsername('admin');
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(stored?.passwordHash).not.toContain(PASSWORD);
  });
});

describe('API tokens', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(() => t.close());

  async function createToken(headers: Record<string, string>, scopes: string[], expiresInDays = 30) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers,
      payload: { name: 'ci', scopes, expiresInDays },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { token: { id: string; prefix: string }; secret: string };
  }

  it('authenticates with a scoped token, narrower than the role', async () => {
    const admin = await t.signIn('admin');
    const { secret, token } = await createToken(admin, ['audit:read']);
    expect(secret.startsWith(`${token.prefix}`)).toBe(true);
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/audit', headers: bearer })).statusCode).toBe(200);
    const denied = await t.app.inject({ method: 'GET', url: '/api/users', headers: bearer });
    expect(denied.json().code).toBe('VIGIE_ERR_FORBIDDEN');
    // Tokens need no anti-forgery header, but may not mint tokens or change passwords.
    for (const call of [
      { method: 'GET' as const, url: '/api/tokens' },
      { method: 'DELETE' as const, url: `/api/tokens/${token.id}` },
    ]) {
      expect((await t.app.inject({ ...call, headers: bearer })).statusCode).toBe(403);
    }
    const mint = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: bearer,
      payload: { name: 'x', scopes: [] },
    });
    expect(mint.statusCode).toBe(403);
  });

  it('keeps only a hash of the secret', async () => {
    const admin = await t.signIn('admin');
    const { secret, token } = await createToken(admin, []);
    const stored = await t.platform.store.tokens.findById(token.id);
    expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/);
    // The secret part is base64url and may itself hold '_': take all that follows the id.
    const secretPart = secret.slice(`vgt_${token.id}_`.length);
    expect(secretPart).toHaveLength(43);
    expect(JSON.stringify(stored)).not.toContain(secretPart);
  });

  it('refuses a revoked, expired, forged or malformed token', async () => {
    const admin = await t.signIn('admin');
    const { secret, token } = await createToken(admin, ['audit:read'], 1);
    const call = (value: string) =>
      t.app.inject({ method: 'GET', url: '/api/audit', headers: { authorization: value } });
    expect((await call(`Bearer ${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).json().code).toBe(
      'VIGIE_ERR_TOKEN_INVALID',
    );
    expect((await call('Bearer nonsense')).statusCode).toBe(401);
    expect((await call('Basic abc')).statusCode).toBe(401);
    t.advance(2 * 86_400_000);
    expect((await call(`Bearer ${secret}`)).json().code).toBe('VIGIE_ERR_TOKEN_INVALID');
    const fresh = await createToken(await t.signIn('admin'), ['audit:read']);
    expect((await call(`Bearer ${fresh.secret}`)).statusCode).toBe(200);
    const headers = await t.signIn('admin');
    expect((await t.app.inject({ method: 'DELETE', url: `/api/tokens/${fresh.token.id}`, headers })).statusCode).toBe(
      204,
    );
    expect((await call(`Bearer ${fresh.secret}`)).statusCode).toBe(401);
    expect(token.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('cannot grant what the role lacks', async () => {
    const analyst = await t.as('analyst');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: analyst,
      payload: { name: 'x', scopes: ['users:write'] },
    });
    expect(res.json().code).toBe('VIGIE_ERR_FORBIDDEN');
  });

  it('hides other people’s tokens unless the caller may see them all', async () => {
    const admin = await t.signIn('admin');
    const { token } = await createToken(admin, []);
    const analyst = await t.as('analyst');
    expect((await t.app.inject({ method: 'GET', url: '/api/tokens', headers: analyst })).json().items).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/tokens?all=true', headers: analyst })).statusCode).toBe(403);
    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: analyst });
    expect(revoke.statusCode).toBe(404);
    const auditor = await t.as('auditor');
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/tokens?all=true', headers: auditor })).json().items,
    ).toHaveLength(1);
  });
});
