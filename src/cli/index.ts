/** @module cli — the `vigie` command. */
export type { CliIo } from './context.js';
export { buildProgram, runCli } from './program.js';
