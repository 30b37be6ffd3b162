/**
 * Enforces the layer rules of scripts/layers.ts on every source file: a module imports
 * another only through its index.ts and only if its layer allows it, and uses only its
 * listed packages. Tests may import anything. Exits 1 with one line per violation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { LAYERS, type LayerRule, WEB_RULE } from './layers.js';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')
      ? [path]
      : [];
  });
}

function packageName(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

export function checkFile(file: string, moduleName: string, rule: LayerRule, text: string): string[] {
  const problems: string[] = [];
  const where = relative(ROOT, file);
  for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
    const specifier = imported.fileName;
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      const inSrc = relative(SRC, target);
      if (inSrc.startsWith('..')) {
        if (moduleName !== 'web') problems.push(`${where}: imports ${specifier}, outside src/`);
        else problems.push(`${where}: imports ${specifier}; the web app may import only src/core/index.ts`);
        continue;
      }
      const [targetModule, ...rest] = inSrc.split(sep);
      if (targetModule === moduleName) continue;
      if (!targetModule || !rule.modules.includes(targetModule)) {
        problems.push(`${where}: ${moduleName} may not import ${targetModule} (${specifier})`);
      } else if (rest.join('/') !== 'index.js' && rest.join('/') !== 'index.ts' && rest.join('/') !== 'index') {
        problems.push(`${where}: imports ${specifier}; other modules are reached through their index.ts only`);
      }
      continue;
    }
    const pkg = specifier.startsWith('node:') ? specifier : packageName(specifier);
    const allowed = rule.packages.includes(specifier) || rule.packages.includes(pkg);
    if (!allowed) problems.push(`${where}: ${moduleName} may not import package ${specifier}`);
  }
  return problems;
}

function webProblems(): string[] {
  const webSrc = join(ROOT, 'web', 'src');
  let files: string[] = [];
  try {
    files = sourceFiles(webSrc);
  } catch {
    return [];
  }
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return ts
      .preProcessFile(text, true, true)
      .importedFiles.map((i) => i.fileName)
      .flatMap((specifier) => {
        const where = relative(ROOT, file);
        if (specifier.startsWith('.')) {
          const target = resolve(dirname(file), specifier);
          if (!relative(webSrc, target).startsWith('..')) return [];
          const inSrc = relative(SRC, target).split(sep).join('/');
          return /^core\/index(\.(ts|js))?$/.test(inSrc)
            ? []
            : [`${where}: the web app may import only src/core/index.ts (${specifier})`];
        }
        if (specifier.endsWith('.css')) return [];
        const pkg = packageName(specifier);
        return WEB_RULE.packages.includes(specifier) || WEB_RULE.packages.includes(pkg)
          ? []
          : [`${where}: the web app may not import package ${specifier}`];
      });
  });
}

export function checkAll(): string[] {
  const problems: string[] = [];
  for (const entry of readdirSync(SRC, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const rule = LAYERS[entry.name];
    if (!rule) {
      problems.push(`src/${entry.name}: module has no layer rule in scripts/layers.ts`);
      continue;
    }
    for (const file of sourceFiles(join(SRC, entry.name))) {
      problems.push(...checkFile(file, entry.name, rule, readFileSync(file, 'utf8')));
    }
  }
  return [...problems, ...webProblems()];
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const problems = checkAll();
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stdout.write(
    problems.length === 0 ? 'Import rules: OK\n' : `Import rules: ${problems.length} violation(s)\n`,
  );
  process.exitCode = problems.length === 0 ? 0 : 1;
}
