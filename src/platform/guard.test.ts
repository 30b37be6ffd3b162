// The Guard service across instances: two platforms over one database, as two servers behind a load balancer.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_YAML } from '../guard/index.js';
import { openStore, type Store } from '../store/index.js';
import { createPlatform } from './platform.js';

const SYSTEM = { actor: { kind: 'system' as const } };
const EDITED = DEFAULT_POLICY_YAML.replace(/^name: .*$/m, 'name: Edited on another instance');

describe('Guard policy across instances', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it("sees another instance's new policy once its recheck delay has passed, and not before", async () => {
    store = await openStore({ sqliteFile: join(mkdtempSync(join(tmpdir(), 'vigie-guard-')), 'vigie.db') });
    const editor = createPlatform(store, { guard: { policyRecheckMs: 0 } });
    const lazy = createPlatform(store, { guard: { policyRecheckMs: 60_000 } });
    const eager = createPlatform(store, { guard: { policyRecheckMs: 0 } });
    const shipped = (await lazy.guard.policy()).version;
    expect((await eager.guard.policy()).version).toBe(shipped);

    const saved = await editor.guard.savePolicy(EDITED, 'test', SYSTEM);
    expect(saved.version).not.toBe(shipped);
    expect((await eager.guard.policy()).version).toBe(saved.version);
    // Within its delay an instance keeps the policy it parsed (no store query per request).
    expect((await lazy.guard.policy()).version).toBe(shipped);

    await editor.guard.activatePolicy('shipped', SYSTEM);
    expect((await eager.guard.policy()).version).toBe(shipped);
  });
});
