/** Process entry point of the `vigie` command: real streams, real environment, signals. */
import { text } from 'node:stream/consumers';
import { runCli } from './program.js';

const io = {
  out: (s: string) => void process.stdout.write(s),
  err: (s: string) => void process.stderr.write(s),
  env: process.env,
  readStdin: () => text(process.stdin),
};

// `vigie sense detect big.csv | head`: a closed pipe ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

let stopServer: (() => Promise<void>) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (stopServer?.() ?? Promise.resolve()).finally(() => process.exit(0));
  });
}

const code = await runCli(process.argv.slice(2), io, (stop) => {
  stopServer = stop;
});
if (!stopServer) process.exitCode = code;
