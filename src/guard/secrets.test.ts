import { describe, expect, it } from 'vitest';
import { scanText } from './index.js';
import { documentedExample, providerPlaceholder } from './secrets.js';

function types(text: string, options = {}): string[] {
  return scanText(text, options).spans.map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('secrets', () => {
  it('finds provider tokens', () => {
    const found = types(
      'key 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 then AKIAIOSFODNN7SECRETS and glpat-aBcDeFgHiJkLmNoPqRsT',
    );
    expect(found).toEqual([
      'secret.github_token: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',
      'secret.aws_access_key:AKIAIOSFODNN7SECRETS',
      'secret.gitlab_token:glpat-aBcDeFgHiJkLmNoPqRsT',
    ]);
  });
  it('leaves placeholders and glued prefixes out', () => {
    expect(
      types('AKIAIOSFODNN7EXAMPLE hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx x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'),
    ).toEqual([]);
    expect(
      types('password = changeme\napi_key = "<your-api-key>"\nDB_URL=postgres://user:password@localhost/db'),
    ).toEqual([]);
  });
  it('checks entropy on assignments and finds connection strings, JWTs and keys', () => {
    expect(types('DB_PASSWORD=Xk9#pL2!qw')).toEqual(['secret.password_assignment:Xk9#pL2!qw']);
    expect(types('password=aaaaaaaa')).toEqual([]);
    expect(types('mongodb+srv://app:myR3alP@ssw0rd@cluster0.mongodb.net/db')[0]).toMatch(/^secret\.connection_string:/);
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(types(`token ${jwt}`)).toEqual([`secret.jwt:${jwt}`]);
    expect(types('-----BEGIN PRIVATE KEY-----\nxxx\n-----END PRIVATE KEY-----')).toEqual([]);
  });
});

describe('secret placeholders and credentials', () => {
  it('applies the placeholder rule to provider tokens', () => {
    // Repeated non-filler letters are fixture-shaped keys: reported.
    expect(types('STRIPE_SECRET_KEY=sk_live_AAAAAAAAAAAAAAAAAAAAAAAA')).toEqual([
      'secret.stripe_key:sk_live_AAAAAAAAAAAAAAAAAAAAAAAA',
    ]);
    expect(providerPlaceholder('AAAAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
    expect(providerPlaceholder('xxxxxxxxxxxxxxxxxxxxxxxx')).toBe(true);
    expect(providerPlaceholder('Ab3********************9')).toBe(true);
    expect(types('DOCKER_TOKEN=not_a_real_token')).toEqual([]);
  });
  it('sets aside only bodies that are stand-ins as a whole, and documented example keys', () => {
    // A word inside an otherwise key-shaped body does not cancel the finding.
    expect(providerPlaceholder('f1g2kLGLqdezihCUTzgIAUk6d9wvCnStWrvEXAMPLE')).toBe(false);
    expect(types('lin_api_f1g2kLGLqdezihCUTzgIAUk6d9wvCnStWrvEXAMPLE')).toEqual([
      'secret.linear_key:lin_api_f1g2kLGLqdezihCUTzgIAUk6d9wvCnStWrvEXAMPLE',
    ]);
    expect(types('DOCKER_TOKEN=dckr_pat_Example1234567890AbCdEfGhjK')).toEqual([
      'secret.docker_token:dckr_pat_Example1234567890AbCdEfGhjK',
    ]);
    // Stand-in words with fillers and separators only, or a few characters besides them.
    expect(providerPlaceholder('your_api_key_here')).toBe(true);
    expect(providerPlaceholder('EXAMPLE_TOKEN_xxxxxxxx')).toBe(true);
    expect(providerPlaceholder('REPLACE_WITH_YOUR_KEY_12')).toBe(true);
    expect(types('STRIPE_KEY=sk_live_your_secret_key_here_000')).toEqual([]);
    expect(types('https://hooks.slack.com/services/TXXXXX/BXXXXX/XXXXXXXXXX')).toEqual([]);
    // Documented keys are matched whole; a different key with the same suffix is reported.
    expect(documentedExample('AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(documentedExample('AKIAIOSFODNN7EXAMPLF')).toBe(false);
    expect(types('aws_access_key_id = AKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(types('aws_access_key_id = AKIAQ3EGRTNHJ7EXAMPL')).toEqual(['secret.aws_access_key:AKIAQ3EGRTNHJ7EXAMPL']);
  });
  it('finds URL credentials but not templates, defaults or trivial passwords', () => {
    expect(types('ftp://deploy:Zq8!vR2mK@ftp.example.org/x')[0]).toMatch(/^secret\.connection_string:/);
    expect(types('https://user:abc@api.com/v1 https://user:1111@service.com/api')).toEqual([]);
    expect(types('postgres://postgres:postgres@localhost:5432/database')).toEqual([]);
  });
  it('finds Docker config auths and Azure client secrets, not plain UUIDs or URLs', () => {
    // base64("deploy:S3cr3t-Pa55")
    expect(types('{"auths":{"registry.example.com":{"auth":"ZGVwbG95OlMzY3IzdC1QYTU1"}}}')).toEqual([
      'secret.docker_auth:ZGVwbG95OlMzY3IzdC1QYTU1',
    ]);
    expect(types('var azureClientSecret := "ahDzWAqqBHgpAeUBUULuU0gA4p09rt0WDAsUOmFg"')).toEqual([
      'secret.generic_assignment:ahDzWAqqBHgpAeUBUULuU0gA4p09rt0WDAsUOmFg',
    ]);
    expect(types('AZURE_CLIENT_ID=dac6fb3d-713c-4555-8a97-4089aa3849be')).toEqual([]);
    expect(types('"token_uri":"https://oauth2.googleapis.com/token"')).toEqual([]);
  });
});
