/**
 * The fake OpenAI-compatible upstream in a process of its own, for the proxy benchmark: prints
 * its base URL on the first line of stdout, then serves until stdin closes or it is killed.
 */
import { startFakeUpstream } from '../../tests/integration/guard-upstream.js';

const upstream = await startFakeUpstream();
process.stdout.write(`${upstream.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => void upstream.close().then(() => process.exit(0)));
