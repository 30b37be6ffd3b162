/**
 * A process that appends one audit entry to the SQLite database given as argument, says so on
 * stdout, and is killed at once (SIGKILL: no close, no checkpoint, no exit handler).
 */
import { openStore } from '../../src/store/index.js';

const file = process.argv[2];
if (!file) throw new Error('usage: write-then-die.ts FILE');
const store = await openStore({ sqliteFile: file });
await store.audit.append({ at: new Date().toISOString(), actor: 'test', action: 'test.before_kill' });
process.stdout.write('written\n', () => process.kill(process.pid, 'SIGKILL'));
