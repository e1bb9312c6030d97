import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './_helpers/scenario-files.js';

/**
 * Small modules: no file in src over 300 lines, no function in src/experiments over 80 lines
 * (its signature to its closing brace, nested functions included). The exceptions are listed here
 * with their reason; an exception that is no longer needed fails too, so the list stays short.
 */
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;
const FUNCTION_LIMIT_DIRS = ['src/experiments'];

const FILE_EXCEPTIONS: Record<string, string> = {
  'src/lab/rds/lab-rds.ts':
    "RdsLab is the lab's RDS control plane: instances, clusters and snapshots share one state and one event log; it splits with its next change",
  'src/aws/clients.ts':
    'every SDK client is built here with the one call recorder and error translation; the per-service APIs (apis.ts) split it next',
  'src/cli/commands/lab.ts':
    "the lab command's flags for every optional part; they move into each part's own flag list next",
  'src/lab/alb/target-group.ts': 'one target group: health checks, draining and IP targets share its state machine',
  'src/lab/ecs/service.ts': 'one ECS service: tasks, deployments and target registration share its scheduler state',
  'src/lab/lambda/service.ts': 'one Lambda function: invocations, concurrency and FIS faults share its state',
  'src/lab/supervisor.ts': 'the lab supervisor: the start and stop order of every part in one place',
  'src/reports/evidence-schema.ts':
    'the evidence.json format: one zod object per section, in one file so its version and shape are read in one place',
  'src/reports/compare/rows.ts': 'one comparison row per measurement kind, with its tolerance rule beside it',
};
const FUNCTION_EXCEPTIONS: Record<string, string> = {
  'src/experiments/compose/k6-load.ts#withK6Load':
    'the k6 port wrapper: start, readiness, stop and the run-record hook close over one k6 handle',
};

function tsFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** The name a reader finds the function by: its own, or the variable / property / method holding it. */
function functionName(n: ts.SignatureDeclaration, sf: ts.SourceFile): string {
  if (n.name) return n.name.getText(sf);
  const p = n.parent;
  if ((ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.name) {
    return p.name.getText(sf);
  }
  return '<anonymous>';
}

/** Every function longer than `max` lines, as `file#name` with its first line and length. */
function longFunctions(file: string, text: string, max: number): { key: string; line: number; lines: number }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: { key: string; line: number; lines: number }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const lines = last - first + 1;
      if (lines > max) out.push({ key: `${file}#${functionName(n, sf)}`, line: first + 1, lines });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const sources = tsFiles('src').map((file) => ({ file, text: readFileSync(join(repoRoot, file), 'utf8') }));

describe('source size', () => {
  it(`no file in src over ${MAX_FILE_LINES} lines (exceptions listed with their reason)`, () => {
    const long = sources.filter((s) => lineCount(s.text) > MAX_FILE_LINES);
    expect(
      long.filter((s) => !(s.file in FILE_EXCEPTIONS)).map((s) => `${s.file}: ${lineCount(s.text)} lines`),
    ).toEqual([]);
    // An exception whose file got short enough (or is gone) is removed from the list.
    expect(Object.keys(FILE_EXCEPTIONS).filter((f) => !long.some((s) => s.file === f))).toEqual([]);
  });

  it(`no function in ${FUNCTION_LIMIT_DIRS.join(', ')} over ${MAX_FUNCTION_LINES} lines`, () => {
    const long = sources
      .filter((s) => FUNCTION_LIMIT_DIRS.some((d) => s.file.startsWith(`${d}/`)))
      .flatMap((s) => longFunctions(s.file, s.text, MAX_FUNCTION_LINES));
    expect(
      long.filter((f) => !(f.key in FUNCTION_EXCEPTIONS)).map((f) => `${f.key} (line ${f.line}): ${f.lines} lines`),
    ).toEqual([]);
    expect(Object.keys(FUNCTION_EXCEPTIONS).filter((k) => !long.some((f) => f.key === k))).toEqual([]);
  });

  it('measures a function from its signature to its closing brace, nested ones included', () => {
    const body = Array.from({ length: 79 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = `export function outer() {\n${body}\n  const inner = () => {\n    return 1;\n  };\n}\n`;
    expect(longFunctions('x.ts', text, 80)).toEqual([{ key: 'x.ts#outer', line: 1, lines: 84 }]);
    expect(longFunctions('x.ts', text, 84)).toEqual([]);
    expect(lineCount('a\nb\n')).toBe(2);
  });
});
