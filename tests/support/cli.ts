/** An in-memory terminal for CLI tests: captured output, a given environment and standard input. */
import type { CliIo } from '../../src/cli/index.js';

export function cliHarness(env: Record<string, string> = {}, stdin = '') {
  const output = { out: '', err: '' };
  const io: CliIo = {
    out: (s) => {
      output.out += s;
    },
    err: (s) => {
      output.err += s;
    },
    env,
    readStdin: async () => stdin,
  };
  return { io, output };
}
