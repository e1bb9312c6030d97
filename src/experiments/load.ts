import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { DrillproofError, type Problem } from '../errors.js';
import { type FisTemplate, fisTemplateSchema } from './faults/fis/template.js';
import { faultDefinition } from './faults/registry.js';
import { decodeText, MAX_SCENARIO_BYTES, readText, whole } from './read-text.js';
import { scenarioWarnings } from './scenario-warnings.js';
import { type Scenario, scenarioSchema } from './schema/scenario.js';
import { issuesToProblems } from './schema-problems.js';
import { MAX_YAML_DEPTH, yamlDepthExceeded } from './yaml-depth.js';
import { pathAtOffset, positionOf } from './yaml-positions.js';

export { MAX_SCENARIO_BYTES };

export interface LoadedScenario {
  scenario: Scenario;
  /** The file exactly as read (UTF-8), what the evidence pack stores. */
  text: string;
  /** sha256 (hex) of the file's bytes. */
  sha256: string;
  /** Things that do not stop a drill but deserve a look (with positions). */
  warnings: Problem[];
  /** The path as given. */
  path: string;
  /** Files the faults name (a FIS `templateFile`), read and validated, by fault id. */
  attachments: Record<string, unknown>;
}

interface Parsed {
  value?: unknown;
  doc?: Document;
  lc: LineCounter;
  problems: Problem[];
}

/** At most this many characters of a parser message reach the user (the rest is the input echoed). */
const MAX_MESSAGE_CHARS = 200;

function clip(s: string): string {
  return s.length <= MAX_MESSAGE_CHARS ? s : `${s.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}

/** The problem of a text nesting past the limit, positioned (before the parser, which must not run on it). */
function tooDeep(text: string, file: string): Problem | undefined {
  const deep = yamlDepthExceeded(text);
  if (!deep) return undefined;
  const before = text.slice(0, deep.offset);
  const line = before.split('\n').length;
  const col = deep.offset - before.lastIndexOf('\n');
  return whole(
    file,
    `the YAML nests deeper than ${MAX_YAML_DEPTH} levels`,
    'a scenario nests a few levels; check for a runaway [ or { or a generated file',
    line,
    col,
  );
}

/** Syntax problems reported for one file: the first ones are the useful ones. */
const MAX_SYNTAX_PROBLEMS = 20;

/** YAML text to a plain value, with every syntax problem positioned. */
export function parseYaml(text: string, file: string): Parsed {
  const lc = new LineCounter();
  if (text.trim() === '') {
    return {
      lc,
      problems: [
        whole(file, 'file is empty', 'start from a scenario in scenarios/ (drillproof schema shows the format)'),
      ],
    };
  }
  const deep = tooDeep(text, file);
  if (deep) return { lc, problems: [deep] };
  // merge: YAML merge keys (`<<: *defaults`) are handy for probes that share settings.
  const doc = parseDocument(text, {
    lineCounter: lc,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    merge: true,
  });
  const problems: Problem[] = [];
  for (const e of doc.errors.slice(0, MAX_SYNTAX_PROBLEMS)) {
    const pos = lc.linePos(e.pos[0]);
    const at = pathAtOffset(doc, e.pos[0]);
    const first = clip(e.message.split('\n')[0] ?? e.message);
    const dup = e.code === 'DUPLICATE_KEY';
    const msg = dup
      ? `duplicate key "${String(at[at.length - 1] ?? '')}": each key may appear only once in a mapping`
      : `YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, '')}`;
    const problem = whole(file, msg, dup ? 'remove or rename one of them' : undefined, pos.line, pos.col);
    problem.path = formatPathLocal(at);
    problems.push(problem);
  }
  if (problems.length > 0) return { doc, lc, problems };
  if (doc.contents === null) {
    return { doc, lc, problems: [whole(file, 'file has no content (only comments)', 'write a scenario mapping')] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return {
      doc,
      lc,
      problems: [whole(file, `cannot read the YAML: ${(err as Error).message}`, 'avoid deeply nested aliases')],
    };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const pos = positionOf(doc, lc, []);
    return {
      doc,
      lc,
      problems: [
        whole(
          file,
          `expected a mapping at the top level, got ${Array.isArray(value) ? 'a list' : typeof value}`,
          'a scenario starts with "version: 1"',
          pos.line,
          pos.col,
        ),
      ],
    };
  }
  return { value, doc, lc, problems: [] };
}

/** Validates scenario text; `file` names it in problems, `baseDir` resolves templateFile paths. */
export function parseScenarioText(
  text: string,
  file: string,
  opts: { baseDir?: string } = {},
): { scenario: Scenario; warnings: Problem[]; attachments: Record<string, unknown> } {
  const parsed = parseYaml(text, file);
  if (parsed.problems.length > 0 || !parsed.doc) throw invalid(file, parsed.problems);
  // Top-level `x-` keys are ignored: a place for YAML anchors (`x-probe: &probe {...}`).
  const input = Object.fromEntries(Object.entries(parsed.value as object).filter(([k]) => !k.startsWith('x-')));
  const result = scenarioSchema.safeParse(input);
  if (!result.success) {
    const problems = issuesToProblems(result.error.issues, {
      file,
      doc: parsed.doc,
      lc: parsed.lc,
      root: parsed.value,
    });
    throw invalid(file, byPosition(problems));
  }
  const scenario = result.data;
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const attachments: Record<string, unknown> = {};
  const baseDir = opts.baseDir ?? process.cwd();
  scenario.steps.faults.forEach((f, i) => {
    const att = faultDefinition(f.type)?.attachment;
    const name = att ? (f as Record<string, unknown>)[att.key] : undefined;
    if (!att || typeof name !== 'string' || name.includes('${')) return;
    const t = loadAttachmentFile(resolve(baseDir, name), att.schema, name);
    if (t.problems.length > 0) {
      const at = positionOf(parsed.doc as Document, parsed.lc, ['steps', 'faults', i, att.key]);
      problems.push({
        code: 'ScenarioInvalid',
        message: `${att.what} file ${name} is not valid (${t.problems.length} problem${t.problems.length === 1 ? '' : 's'} listed below)`,
        path: `steps.faults[${i}].${att.key}`,
        position: { file, line: at.line, col: at.col },
        severity: 'error',
      });
      problems.push(...t.problems);
    } else {
      attachments[f.id] = t.value;
    }
  });
  if (problems.length > 0) throw invalid(file, problems);
  for (const w of scenarioWarnings(scenario, attachments)) {
    const pos = positionOf(parsed.doc, parsed.lc, w.path);
    warnings.push({
      code: w.code,
      message: w.message,
      path: formatPathLocal(w.path),
      position: { file, line: pos.line, col: pos.col },
      severity: 'warning',
      ...(w.hint ? { hint: w.hint } : {}),
    });
  }
  return { scenario, warnings, attachments };
}

function byPosition(ps: Problem[]): Problem[] {
  return [...ps].sort(
    (a, b) => (a.position?.line ?? 0) - (b.position?.line ?? 0) || (a.position?.col ?? 0) - (b.position?.col ?? 0),
  );
}

function formatPathLocal(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : s ? `${s}.${String(seg)}` : String(seg)),
    '',
  );
}

function invalid(file: string, problems: Problem[]): DrillproofError {
  const n = problems.length;
  return DrillproofError.user('ScenarioInvalid', `${file}: ${n} problem${n === 1 ? '' : 's'}; nothing was run`, {
    problems,
    hint: 'fix the problems listed above; `drillproof schema` prints the full format',
    details: { file },
  });
}

/** Reads a file a fault names (JSON, or YAML) and validates it with `schema`, problems positioned. */
export function loadAttachmentFile<T>(
  path: string,
  schema: z.ZodType<T>,
  shown = path,
): { value?: T; problems: Problem[] } {
  const read = readText(path, shown);
  if (read.problems.length > 0 || read.text === undefined) return { problems: read.problems };
  const parsed = parseYaml(read.text, shown);
  if (parsed.problems.length > 0 || !parsed.doc) return { problems: parsed.problems };
  const r = schema.safeParse(parsed.value);
  if (!r.success) {
    return {
      problems: issuesToProblems(r.error.issues, { file: shown, doc: parsed.doc, lc: parsed.lc, root: parsed.value }),
    };
  }
  return { value: r.data, problems: [] };
}

/** Reads and validates a FIS experiment template file (JSON, or YAML). */
export function loadFisTemplateFile(path: string, shown = path): { template?: FisTemplate; problems: Problem[] } {
  const r = loadAttachmentFile(path, fisTemplateSchema, shown);
  return r.value ? { template: r.value, problems: r.problems } : { problems: r.problems };
}

/**
 * Validates scenario bytes as if read from `file` (templateFile paths resolve against `baseDir`).
 * Same contract as `loadScenarioFile`.
 */
export function loadScenarioBytes(bytes: Uint8Array, file: string, opts: { baseDir?: string } = {}): LoadedScenario {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = decodeText(buf, file);
  if (read.problems.length > 0 || read.text === undefined) throw invalid(file, read.problems);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const { scenario, warnings, attachments } = parseScenarioText(read.text, file, opts);
  return { scenario, text: read.text, sha256, warnings, path: file, attachments };
}

/**
 * Loads and validates a scenario file. Throws `ScenarioInvalid` (user error, exit 2) carrying every
 * problem found, each with file:line:col and the field path; never anything else for bad input.
 */
export function loadScenarioFile(path: string): LoadedScenario {
  const read = readText(path, path);
  if (read.problems.length > 0 || read.text === undefined || read.bytes === undefined) {
    throw invalid(path, read.problems);
  }
  const sha256 = createHash('sha256').update(read.bytes).digest('hex');
  const { scenario, warnings, attachments } = parseScenarioText(read.text, path, { baseDir: dirname(resolve(path)) });
  return { scenario, text: read.text, sha256, warnings, path, attachments };
}
