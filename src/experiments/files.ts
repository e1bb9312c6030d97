import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * Expands command-line scenario arguments: files as given, directories recursively (every .yaml /
 * .yml), and globs the shell left unexpanded (`*`, `?`, `**`). Such a glob also matches in the
 * sub-folders of its last directory: `validate 'scenarios/*.yaml'` checks scenarios/aws/ and
 * scenarios/lab/ too (a shell passes the pattern through when nothing matches at the top level).
 */
const SCENARIO_EXT = /\.ya?ml$/i;

function walk(dir: string, out: string[]): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() && SCENARIO_EXT.test(e.name)) out.push(p);
  }
}

function globToRegExp(glob: string): RegExp {
  const slash = glob.lastIndexOf('/');
  const dir = slash >= 0 ? glob.slice(0, slash + 1) : '';
  const last = slash >= 0 ? glob.slice(slash + 1) : glob;
  return new RegExp(`^${segmentsToRe(dir)}(?:[^/]+/)*${segmentsToRe(last)}$`);
}

function segmentsToRe(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return re;
}

export function expandScenarioArgs(args: string[]): { files: string[]; unmatched: string[] } {
  const files: string[] = [];
  const unmatched: string[] = [];
  for (const arg of args) {
    if (/[*?]/.test(arg)) {
      const parts = arg.split('/');
      const firstGlob = parts.findIndex((p) => /[*?]/.test(p));
      const root = parts.slice(0, firstGlob).join('/') || '.';
      const re = globToRegExp(arg.startsWith('./') ? arg.slice(2) : arg);
      const all: string[] = [];
      walk(root, all);
      const hits = all.filter((f) => re.test(relative('.', f).split(sep).join('/')) || re.test(f.split(sep).join('/')));
      if (hits.length === 0) unmatched.push(arg);
      files.push(...hits);
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      // Missing files are reported by the loader, with the path.
    }
    if (isDir) {
      const found: string[] = [];
      walk(arg, found);
      if (found.length === 0) unmatched.push(arg);
      files.push(...found);
    } else files.push(arg);
  }
  return { files: [...new Set(files)], unmatched };
}
