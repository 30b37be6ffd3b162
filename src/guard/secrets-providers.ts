/**
 * Provider-specific secrets as data: each rule names its fixed prefixes, the alphabet and length
 * of the body, and the span type. One `indexOf` loop per prefix: linear in the text.
 */

export type Alphabet = 'alnum' | 'alnum_' | 'b64url' | 'b64url.' | 'hex' | 'upper_digit' | 'letters' | 'alnum-';

export interface ProviderRule {
  readonly type: string;
  readonly provider: string;
  readonly prefixes: readonly string[];
  readonly alphabet: Alphabet;
  readonly min: number;
  readonly max: number;
  /** When set, the body must contain this marker (OpenAI keys carry `T3BlbkFJ`). */
  readonly marker?: string;
  /** Extra structural check of the whole token. */
  readonly shape?: RegExp;
  /** Case-insensitive prefix match. */
  readonly caseInsensitive?: boolean;
}

export const PROVIDER_RULES: readonly ProviderRule[] = [
  {
    type: 'secret.aws_access_key',
    provider: 'AWS',
    prefixes: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'APKA'],
    alphabet: 'upper_digit',
    min: 16,
    max: 16,
  },
  {
    type: 'secret.github_token',
    provider: 'GitHub',
    prefixes: ['ghp_', 'gho_', 'ghu_', 'ghr_'],
    alphabet: 'alnum_',
    min: 36,
    max: 255,
  },
  { type: 'secret.github_token', provider: 'GitHub', prefixes: ['ghs_'], alphabet: 'b64url.', min: 36, max: 1024 },
  { type: 'secret.github_token', provider: 'GitHub', prefixes: ['github_pat_'], alphabet: 'alnum_', min: 22, max: 255 },
  {
    type: 'secret.gitlab_token',
    provider: 'GitLab',
    prefixes: ['glpat-', 'gldt-', 'glptt-', 'glrt-', 'gloas-'],
    alphabet: 'b64url',
    min: 20,
    max: 255,
  },
  {
    type: 'secret.slack_token',
    provider: 'Slack',
    prefixes: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxr-', 'xoxs-', 'xoxe-'],
    alphabet: 'alnum-',
    min: 10,
    max: 255,
  },
  {
    type: 'secret.slack_token',
    provider: 'Slack',
    prefixes: ['xapp-'],
    alphabet: 'alnum-',
    min: 20,
    max: 255,
    shape: /^xapp-[0-9]-/,
  },
  {
    type: 'secret.slack_webhook',
    provider: 'Slack',
    prefixes: ['https://hooks.slack.com/services/'],
    alphabet: 'b64url.',
    min: 20,
    max: 255,
    shape: /services\/T[A-Za-z0-9_]+\/B[A-Za-z0-9_]+\/[A-Za-z0-9_]+/,
  },
  {
    type: 'secret.stripe_key',
    provider: 'Stripe',
    prefixes: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'whsec_'],
    alphabet: 'alnum',
    min: 24,
    max: 247,
  },
  { type: 'secret.google_api_key', provider: 'Google', prefixes: ['AIza'], alphabet: 'b64url', min: 35, max: 35 },
  {
    type: 'secret.anthropic_key',
    provider: 'Anthropic',
    prefixes: ['sk-ant-'],
    alphabet: 'b64url',
    min: 80,
    max: 200,
    shape: /^sk-ant-(?:api|admin|oat)[0-9]{2}-/,
  },
  {
    type: 'secret.openai_key',
    provider: 'OpenAI',
    prefixes: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-None-'],
    alphabet: 'b64url',
    min: 40,
    max: 300,
    marker: 'T3BlbkFJ',
  },
  {
    type: 'secret.openai_key',
    provider: 'OpenAI',
    prefixes: ['sk-'],
    alphabet: 'alnum',
    min: 40,
    max: 60,
    marker: 'T3BlbkFJ',
  },
  {
    type: 'secret.huggingface_token',
    provider: 'Hugging Face',
    prefixes: ['hf_'],
    alphabet: 'letters',
    min: 34,
    max: 34,
  },
  {
    type: 'secret.sendgrid_key',
    provider: 'SendGrid',
    prefixes: ['SG.'],
    alphabet: 'b64url.',
    min: 66,
    max: 66,
    shape: /^SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/,
  },
  { type: 'secret.twilio_key', provider: 'Twilio', prefixes: ['SK'], alphabet: 'hex', min: 32, max: 32 },
  { type: 'secret.npm_token', provider: 'npm', prefixes: ['npm_'], alphabet: 'alnum', min: 36, max: 36 },
  {
    type: 'secret.onepassword_token',
    provider: '1Password',
    prefixes: ['ops_'],
    alphabet: 'b64url',
    min: 100,
    max: 4096,
    shape: /^ops_eyJ/,
  },
  {
    type: 'secret.cloudflare_token',
    provider: 'Cloudflare',
    prefixes: ['cfat_', 'cfut_', 'cfk_'],
    alphabet: 'alnum',
    min: 48,
    max: 48,
  },
  { type: 'secret.databricks_token', provider: 'Databricks', prefixes: ['dapi'], alphabet: 'hex', min: 32, max: 32 },
  { type: 'secret.docker_token', provider: 'Docker', prefixes: ['dckr_pat_'], alphabet: 'b64url', min: 27, max: 64 },
  { type: 'secret.figma_token', provider: 'Figma', prefixes: ['figd_'], alphabet: 'b64url', min: 40, max: 128 },
  { type: 'secret.grafana_token', provider: 'Grafana', prefixes: ['glc_'], alphabet: 'b64url', min: 32, max: 400 },
  { type: 'secret.grafana_token', provider: 'Grafana', prefixes: ['glsa_'], alphabet: 'alnum_', min: 41, max: 41 },
  { type: 'secret.groq_key', provider: 'Groq', prefixes: ['gsk_'], alphabet: 'alnum', min: 52, max: 52 },
  {
    type: 'secret.vault_token',
    provider: 'HashiCorp Vault',
    prefixes: ['hvs.', 'hvb.', 'hvr.'],
    alphabet: 'b64url',
    min: 90,
    max: 400,
  },
  // Linear documents no fixed length (keys seen are 40 characters); the prefix is distinctive,
  // so the range follows secretlint's rule (32 to 128, underscores allowed).
  { type: 'secret.linear_key', provider: 'Linear', prefixes: ['lin_api_'], alphabet: 'alnum_', min: 32, max: 128 },
  {
    type: 'secret.notion_token',
    provider: 'Notion',
    prefixes: ['ntn_'],
    alphabet: 'alnum',
    min: 46,
    max: 46,
    shape: /^ntn_[0-9]{11}/,
  },
  {
    type: 'secret.shopify_token',
    provider: 'Shopify',
    prefixes: ['shpss_', 'shpat_', 'shpca_', 'shppa_'],
    alphabet: 'alnum',
    min: 32,
    max: 64,
  },
  {
    type: 'secret.tailscale_key',
    provider: 'Tailscale',
    prefixes: ['tskey-'],
    alphabet: 'alnum-',
    min: 30,
    max: 120,
    shape: /^tskey-[a-z]+-[A-Za-z0-9]{6,}-[A-Za-z0-9]{16,}$/,
  },
  {
    type: 'secret.vercel_token',
    provider: 'Vercel',
    prefixes: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
    alphabet: 'alnum',
    min: 24,
    max: 128,
  },
  {
    type: 'secret.digitalocean_token',
    provider: 'DigitalOcean',
    prefixes: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
    alphabet: 'hex',
    min: 64,
    max: 64,
  },
  {
    type: 'secret.pypi_token',
    provider: 'PyPI',
    prefixes: ['pypi-AgEIcHlwaS5vcmc'],
    alphabet: 'b64url',
    min: 50,
    max: 400,
  },
];

export function inAlphabet(alphabet: Alphabet, c: number): boolean {
  const digit = c >= 48 && c <= 57;
  const upper = c >= 65 && c <= 90;
  const lower = c >= 97 && c <= 122;
  switch (alphabet) {
    case 'alnum':
      return digit || upper || lower;
    case 'alnum_':
      return digit || upper || lower || c === 95;
    case 'alnum-':
      return digit || upper || lower || c === 45;
    case 'b64url':
      return digit || upper || lower || c === 95 || c === 45;
    case 'b64url.':
      return digit || upper || lower || c === 95 || c === 45 || c === 46 || c === 47;
    case 'hex':
      return digit || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
    case 'upper_digit':
      return digit || upper;
    case 'letters':
      return upper || lower;
  }
}
