/**
 * `vigie learn content check [DIR]` (loads the shipped content and a folder of the
 * organisation's own, and lists every problem with file and line) and `vigie learn questions
 * FILE...` (questions generated from Markdown / HTML policies, as JSON lines). Exit 1 when
 * content has errors or a file cannot be read.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { type Command, Option } from 'commander';
import { generateQuestions, type KbDocument, loadContent } from '../learn/index.js';
import type { CliIo } from './context.js';
import { unreadableText } from './files.js';

export function registerLearn(program: Command, io: CliIo): void {
  const learn = program.command('learn').description('awareness training: content and generated questions');
  learn
    .command('content')
    .description('learning content')
    .command('check [dir]')
    .description('load the shipped content and the organisation folder DIR; list problems with file and line')
    .action(async (dir: string | undefined) => {
      const { readContentDir, SHIPPED_CONTENT_DIR } = await import('../platform/index.js');
      const shipped = readContentDir(SHIPPED_CONTENT_DIR, 'shipped');
      const own = dir ? readContentDir(dir, 'organisation') : { files: [], problems: [] };
      const content = loadContent([...shipped.files, ...own.files]);
      const problems = [...shipped.problems, ...own.problems, ...content.problems];
      for (const p of problems) io.err(`${p.file}:${p.line}: ${p.level}: ${p.reason}\n`);
      io.out(
        `content ${content.version}: ${content.modules.length} module(s), ${content.paths.length} path(s), ${content.templates.length} template(s), ${content.landings.length} landing page(s), ${problems.length} problem(s)\n`,
      );
      if (problems.some((p) => p.level === 'error')) process.exitCode = 1;
    });
  learn
    .command('questions <files...>')
    .description('generate quiz questions from Markdown or HTML policies (JSON lines on standard output)')
    .addOption(new Option('--lang <lang>', 'language of the documents').choices(['fr', 'en']).default('fr'))
    .option('--seed <seed>', 'varies distractors; same seed and files give the same questions', 'vigie')
    .action((files: string[], options: { lang: 'fr' | 'en'; seed: string }) => {
      const docs: KbDocument[] = [];
      for (const file of files) {
        try {
          const ext = extname(file).toLowerCase();
          docs.push({
            id: file,
            title: file,
            format:
              ext === '.html' || ext === '.htm' ? 'html' : ext === '.md' || ext === '.markdown' ? 'markdown' : 'text',
            locale: options.lang,
            text: readFileSync(file, 'utf8'),
          });
        } catch (error) {
          io.err(`${file}: ${unreadableText(error)}\n`);
          process.exitCode = 1;
        }
      }
      const result = generateQuestions(docs, { seed: options.seed });
      for (const q of result.questions) io.out(`${JSON.stringify(q)}\n`);
      io.err(
        `${result.questions.length} question(s) from ${result.paragraphs} paragraph(s); skipped: ${JSON.stringify(result.skipped)}\n`,
      );
    });
}
