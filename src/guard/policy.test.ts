// The policy: YAML errors with lines, the shipped default, and decisions (each action, first
// matching rule, wildcards, per service / class / role / department, strictest wins, injection).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_YAML } from './default-policy.js';
import { decide, PolicyError, parsePolicy } from './policy.js';

const f = (type: string, score = 0.9, start = 0) => ({ type, start, end: start + 5, score });

const POLICY = `version: 1
services:
  corp-llm: { class: sanctioned }
  mistral: { class: eu_hosted }
  shady: { class: blocked }
rules:
  - name: legal may send names to the internal model
    types: [pii.person]
    departments: [Legal]
    services: [corp-llm]
    action: allow
  - types: [secret.*]
    action: block
  - types: [pii.iban]
    serviceClasses: [sanctioned]
    action: pseudonymise
  - types: [pii.iban]
    action: redact
  - types: [pii.*]
    roles: [intern]
    action: block
  - types: [pii.*]
    minScore: 0.8
    action: warn
fallback: allow
injection:
  threshold: 0.6
  action: block
  documentAction: warn
`;

describe('parsePolicy', () => {
  it('reports every problem with its YAML line', () => {
    const text =
      'version: 1\nrules:\n  - types: [pii.email]\n    action: explode\n  - types: ["bad type!"]\n    action: warn\n';
    try {
      parsePolicy(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyError);
      const problems = (error as PolicyError).problems;
      expect(problems.map((p) => p.line).sort()).toEqual([4, 5]);
      expect(problems.find((p) => p.line === 4)?.path).toBe('rules.0.action');
    }
  });

  it('reports YAML syntax errors and unknown keys with their line', () => {
    expect(() => parsePolicy('version: 1\nrules: [\n')).toThrow(PolicyError);
    try {
      parsePolicy('version: 1\nfallback: warn\nfalback: block\n');
      expect.unreachable();
    } catch (error) {
      expect((error as PolicyError).problems[0]?.line).toBe(1);
      expect((error as PolicyError).message).toMatch(/falback/);
    }
  });

  it('throws nothing but PolicyError on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json().map((j) => `version: 1\nrules: ${j}`),
        ),
        (text) => {
          try {
            parsePolicy(text);
          } catch (error) {
            expect(error).toBeInstanceOf(PolicyError);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('versions by content: comments do not change the version, a rule does', () => {
    const a = parsePolicy(POLICY);
    expect(parsePolicy(`# a comment\n${POLICY}`).version).toBe(a.version);
    expect(parsePolicy(POLICY.replace('fallback: allow', 'fallback: warn')).version).not.toBe(a.version);
    expect(a.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.ruleLines[0]).toBe(7);
  });

  it('ships a default policy that parses, blocks secrets and keeps NIR/IBAN out of clear text', () => {
    const p = parsePolicy(DEFAULT_POLICY_YAML);
    expect(decide(p, { service: 'internal-llm' }, { spans: [f('secret.github_token')] }).action).toBe('block');
    expect(decide(p, { service: 'internal-llm' }, { spans: [f('pii.nir')] }).action).toBe('pseudonymise');
    expect(decide(p, { service: 'mistral' }, { spans: [f('pii.iban')] }).action).toBe('redact');
    expect(decide(p, { service: 'mistral' }, { spans: [f('marking.restricted')] }).action).toBe('block');
    expect(decide(p, { service: 'internal-llm' }, { spans: [f('marking.confidential')] }).action).toBe('warn');
    expect(decide(p, { service: 'deepseek' }, { spans: [] }).action).toBe('block');
  });
});

describe('decide', () => {
  const p = parsePolicy(POLICY);

  it('gives each action, with the rule and its line in the reasons', () => {
    expect(decide(p, {}, { spans: [] }).action).toBe('allow');
    expect(decide(p, {}, { spans: [f('pii.email')] }).action).toBe('warn');
    expect(decide(p, { service: 'corp-llm' }, { spans: [f('pii.iban')] }).action).toBe('pseudonymise');
    expect(decide(p, { service: 'mistral' }, { spans: [f('pii.iban')] }).action).toBe('redact');
    const blocked = decide(p, {}, { spans: [f('secret.aws_access_key')] });
    expect(blocked.action).toBe('block');
    expect(blocked.perFinding[0]?.rule).toEqual({ index: 1, line: 12 });
    expect(blocked.reasons.map((r) => r.en).join(' ')).toMatch(/rule 2 \(line 12\)/);
    expect(blocked.reasons.every((r) => r.fr.length > 0 && r.en.length > 0)).toBe(true);
  });

  it('lets the strictest action win across findings, and says so', () => {
    const d = decide(
      p,
      { service: 'corp-llm' },
      { spans: [f('pii.email'), f('pii.iban', 0.9, 10), f('secret.jwt', 0.9, 20)] },
    );
    expect(d.action).toBe('block');
    expect(d.perFinding.map((x) => x.action)).toEqual(['warn', 'pseudonymise', 'block']);
    expect(d.reasons[0]?.code).toBe('guard.decision.block');
    expect(d.reasons[0]?.en).toMatch(/strictest/);
  });

  it('matches wildcards by namespace only', () => {
    expect(decide(p, {}, { spans: [f('secretive.thing')] }).action).toBe('allow');
    expect(decide(p, {}, { spans: [f('secret.anything_new')] }).action).toBe('block');
  });

  it('applies per role, department and service rules, first match first', () => {
    expect(decide(p, { role: 'intern' }, { spans: [f('pii.email')] }).action).toBe('block');
    expect(decide(p, { role: 'analyst' }, { spans: [f('pii.email')] }).action).toBe('warn');
    expect(decide(p, { department: 'Legal', service: 'corp-llm' }, { spans: [f('pii.person')] }).action).toBe('allow');
    expect(decide(p, { department: 'Legal', service: 'mistral' }, { spans: [f('pii.person')] }).action).toBe('warn');
    expect(decide(p, { department: 'Sales', service: 'corp-llm' }, { spans: [f('pii.person')] }).action).toBe('warn');
  });

  it('honours minScore and the fallback', () => {
    expect(decide(p, {}, { spans: [f('pii.email', 0.6)] }).action).toBe('allow');
  });

  it('blocks a blocked service and classifies unknown services', () => {
    const d = decide(p, { service: 'shady' }, { spans: [] });
    expect(d.action).toBe('block');
    expect(d.reasons.some((r) => r.code === 'guard.service.blocked')).toBe(true);
    expect(decide(p, { service: 'nobody-knows' }, { spans: [] }).serviceClass).toBe('unknown');
  });

  it('applies the injection threshold and the document action', () => {
    expect(decide(p, {}, { spans: [] }, { score: 0.7, detected: false }).action).toBe('block');
    expect(decide(p, {}, { spans: [] }, { score: 0.5, detected: true }).action).toBe('allow');
    expect(decide(p, { mode: 'document' }, { spans: [] }, { score: 0.9, detected: true }).action).toBe('warn');
  });

  it('applies the truncation action', () => {
    expect(decide(p, {}, { spans: [], truncated: { scannedLength: 1, totalLength: 2 } }).action).toBe('warn');
  });
});
