// The demo (`vigie serve --demo`) fills Detect, Guard and Learn through their services, and a
// second start with --demo adds nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { createPlatform, loadDemoData, type Platform } from './index.js';

const system = { actor: { kind: 'system' as const } };

let store: Store;
let platform: Platform;

beforeEach(async () => {
  store = await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-demo-')), 'v.db') });
  platform = createPlatform(store);
});
afterEach(() => store.close());

const counts = async () => ({
  incidents: (await platform.detect.listIncidents({ limit: 50 })).items.length,
  alerts: (await platform.detect.listAlerts({ limit: 50 })).items.length,
  decisions: (await platform.guard.decisions({ limit: 50 })).length,
  groups: (await platform.learn.groups()).length,
  campaigns: (await platform.learn.campaigns()).length,
  users: await store.users.count(),
});

describe('demo data', () => {
  it('gives Detect an incident, Guard decisions and Learn a group with a draft campaign', async () => {
    const users = await loadDemoData(platform, system);
    expect(users).toHaveLength(4);
    const after = await counts();
    expect(after.incidents).toBeGreaterThanOrEqual(1);
    expect(after.decisions).toBeGreaterThanOrEqual(1);
    expect(after.groups).toBe(1);
    expect(after.campaigns).toBe(1);

    // The rules, the brute-force correlation and the behavioural detector all saw the attack.
    const { items: alerts } = await platform.detect.listAlerts({ limit: 50 });
    expect(new Set(alerts.map((a) => a.kind))).toEqual(new Set(['rule', 'correlation', 'behaviour']));
    // The IBAN and the token were caught; harmless prompts leave no decision (Guard keeps only what it found).
    const decisions = await platform.guard.decisions({ limit: 50 });
    expect(decisions).toHaveLength(2);
    expect(decisions.every((d) => d.action !== 'allow')).toBe(true);
    const [campaign] = await platform.learn.campaigns();
    expect(campaign?.status).toBe('draft');
    const [group] = await platform.learn.groups();
    expect((await platform.learn.group(group?.id ?? '')).members.filter((m) => m.userId).length).toBe(4);
  });

  it('adds nothing when started with --demo again', async () => {
    await loadDemoData(platform, system);
    const first = await counts();
    expect(await loadDemoData(platform, system)).toEqual([]);
    expect(await counts()).toEqual(first);
  });
});
