import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { DrillproofError, type Problem } from '../errors.js';
import { type FisTemplate, fisTemplateSchema } from './fis-template.js';
import { scenarioWarnings } from './scenario-warnings.js';
import { type Scenario, scenarioSchema } from './schema/scenario.js';
import { issuesToProblems } from './schema-problems.js';
import { pathAtOffset, positionOf } from './yaml-positions.js';

/** Scenario files larger than this are refused before parsing (a scenario is a page of YAML). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

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
  /** FIS templates read from `templateFile`, by fault id (validated). */
  fisTemplates: Record<string, FisTemplate>;
}

interface Parsed {
  value?: unknown;
  doc?: Document;
  lc: LineCounter;
  problems: Problem[];
}

function whole(file: string, message: string, hint?: string, line = 1, col = 1): Problem {
  const p: Problem = { code: 'ScenarioInvalid', message, path: '', position: { file, line, col }, severity: 'error' };
  if (hint) p.hint = hint;
  return p;
}

/** Reads a text file for the loader: size limit, UTF-8 check, no binary content. */
function readText(file: string, shown: string): { text?: string; bytes?: Buffer; problems: Problem[] } {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { problems: [whole(shown, 'not a file', 'give the path of a YAML scenario file')] };
    size = st.size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      problems: [
        whole(
          shown,
          code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})`,
          'check the path',
        ),
      ],
    };
  }
  if (size > MAX_SCENARIO_BYTES) {
    return {
      problems: [
        whole(
          shown,
          `file is ${(size / 1024 / 1024).toFixed(1)} MB; a scenario may be at most ${MAX_SCENARIO_BYTES / 1024 / 1024} MB`,
          'is this the right file? scenarios are short YAML documents',
        ),
      ],
    };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return { problems: [whole(shown, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`)] };
  }
  return decodeText(bytes, shown);
}

/** Bytes to text: refuses binary content and invalid UTF-8 with the position of the first bad byte. */
function decodeText(bytes: Buffer, shown: string): { text?: string; bytes?: Buffer; problems: Problem[] } {
  if (bytes.length > MAX_SCENARIO_BYTES) {
    return { problems: [whole(shown, `scenario is ${bytes.length} bytes; at most ${MAX_SCENARIO_BYTES} are read`)] };
  }
  const bad = firstBinaryOffset(bytes);
  if (bad !== undefined) {
    const before = bytes.subarray(0, bad).toString('utf8');
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    return {
      problems: [
        whole(
          shown,
          `file is not UTF-8 text (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} at offset ${bad})`,
          'scenarios are UTF-8 YAML files',
          line,
          col,
        ),
      ],
    };
  }
  return { text: bytes.toString('utf8').replace(/^\uFEFF/, ''), bytes, problems: [] };
}

/** Offset of the first NUL / control byte or invalid UTF-8 sequence, if any. */
function firstBinaryOffset(bytes: Buffer): number | undefined {
  let control: number | undefined;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
      control = i;
      break;
    }
  }
  const utf8 = firstInvalidUtf8(bytes);
  if (control === undefined) return utf8;
  return utf8 === undefined ? control : Math.min(control, utf8);
}

function firstInvalidUtf8(bytes: Buffer): number | undefined {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // Find the first invalid sequence by decoding growing prefixes at character boundaries.
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i] as number;
      const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      if (len === 0) return i;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len));
      } catch {
        return i;
      }
      i += len;
    }
    return 0;
  }
}

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
  // merge: YAML merge keys (`<<: *defaults`) are handy for probes that share settings.
  const doc = parseDocument(text, {
    lineCounter: lc,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    merge: true,
  });
  const problems: Problem[] = [];
  for (const e of doc.errors) {
    const pos = lc.linePos(e.pos[0]);
    const at = pathAtOffset(doc, e.pos[0]);
    const first = e.message.split('\n')[0] ?? e.message;
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
): { scenario: Scenario; warnings: Problem[]; fisTemplates: Record<string, FisTemplate> } {
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
  const fisTemplates: Record<string, FisTemplate> = {};
  const baseDir = opts.baseDir ?? process.cwd();
  scenario.steps.faults.forEach((f, i) => {
    if (f.type !== 'fis-experiment' || f.templateFile === undefined) return;
    if (f.templateFile.includes('${')) return;
    const shown = resolve(baseDir, f.templateFile);
    const t = loadFisTemplateFile(shown, f.templateFile);
    if (t.problems.length > 0) {
      const at = positionOf(parsed.doc as Document, parsed.lc, ['steps', 'faults', i, 'templateFile']);
      problems.push({
        code: 'ScenarioInvalid',
        message: `FIS template file ${f.templateFile} is not valid (${t.problems.length} problem${t.problems.length === 1 ? '' : 's'} listed below)`,
        path: `steps.faults[${i}].templateFile`,
        position: { file, line: at.line, col: at.col },
        severity: 'error',
      });
      problems.push(...t.problems);
    } else if (t.template) {
      fisTemplates[f.id] = t.template;
    }
  });
  if (problems.length > 0) throw invalid(file, problems);
  for (const w of scenarioWarnings(scenario, fisTemplates)) {
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
  return { scenario, warnings, fisTemplates };
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

/** Reads and validates a FIS experiment template file (JSON, or YAML). */
export function loadFisTemplateFile(path: string, shown = path): { template?: FisTemplate; problems: Problem[] } {
  const read = readText(path, shown);
  if (read.problems.length > 0 || read.text === undefined) return { problems: read.problems };
  const parsed = parseYaml(read.text, shown);
  if (parsed.problems.length > 0 || !parsed.doc) return { problems: parsed.problems };
  const r = fisTemplateSchema.safeParse(parsed.value);
  if (!r.success) {
    return {
      problems: issuesToProblems(r.error.issues, { file: shown, doc: parsed.doc, lc: parsed.lc, root: parsed.value }),
    };
  }
  return { template: r.data, problems: [] };
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
  const { scenario, warnings, fisTemplates } = parseScenarioText(read.text, file, opts);
  return { scenario, text: read.text, sha256, warnings, path: file, fisTemplates };
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
  const { scenario, warnings, fisTemplates } = parseScenarioText(read.text, path, { baseDir: dirname(resolve(path)) });
  return { scenario, text: read.text, sha256, warnings, path, fisTemplates };
}
