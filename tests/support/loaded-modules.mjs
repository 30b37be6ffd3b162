// Registers a module hook that prints to stderr the file of every module loaded, one per line
// (`loaded: file:///…`): tests read it to tell which parts of the program a command loads.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function load(url, context, next) {
  if (url.startsWith('file:')) process.stderr.write('loaded: ' + url + '\\n');
  return next(url, context);
}`),
);
