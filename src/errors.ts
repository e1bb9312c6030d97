/**
 * The one error type of drillproof. Every error a user can see has a stable `code`, a `source`
 * (who has to act: the user, AWS, or drillproof itself), an optional `hint` saying what to change,
 * and the original `cause`.
 */
export type ErrorSource = 'user' | 'aws' | 'tool';

/** Where in a file a problem is, 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** One problem among many (validation collects all of them before failing). */
export interface Problem {
  code: string;
  message: string;
  /** Dotted field path, e.g. `steps.faults[0].type`. Empty for whole-file problems. */
  path: string;
  position?: SourcePosition;
  hint?: string;
  severity: 'error' | 'warning';
}

export interface DrillproofErrorOptions {
  source: ErrorSource;
  cause?: unknown;
  hint?: string;
  /** Exit code override; otherwise derived from the code and source (see exit-codes.ts). */
  exitCode?: number;
  problems?: Problem[];
  /** Extra structured context (never secrets). */
  details?: Record<string, unknown>;
}

const MARK = Symbol.for('drillproof.DrillproofError');

export class DrillproofError extends Error {
  readonly code: string;
  readonly source: ErrorSource;
  readonly hint: string | undefined;
  readonly exitCode: number | undefined;
  readonly problems: Problem[];
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: DrillproofErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DrillproofError';
    this.code = code;
    this.source = options.source;
    this.hint = options.hint;
    this.exitCode = options.exitCode;
    this.problems = options.problems ?? [];
    this.details = options.details ?? {};
    Object.defineProperty(this, MARK, { value: true });
  }

  /** Works across duplicated copies of the package, unlike `instanceof`. */
  static is(x: unknown): x is DrillproofError {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[MARK] === true;
  }

  static user(code: string, message: string, extra: Omit<DrillproofErrorOptions, 'source'> = {}): DrillproofError {
    return new DrillproofError(code, message, { ...extra, source: 'user' });
  }

  static aws(code: string, message: string, extra: Omit<DrillproofErrorOptions, 'source'> = {}): DrillproofError {
    return new DrillproofError(code, message, { ...extra, source: 'aws' });
  }

  static tool(code: string, message: string, extra: Omit<DrillproofErrorOptions, 'source'> = {}): DrillproofError {
    return new DrillproofError(code, message, { ...extra, source: 'tool' });
  }
}

/** Formats a problem as `file:line:col: path: message (hint)`. */
export function formatProblem(p: Problem): string {
  const where = p.position ? `${p.position.file}:${p.position.line}:${p.position.col}: ` : '';
  const path = p.path ? `${p.path}: ` : '';
  const hint = p.hint ? `\n    hint: ${p.hint}` : '';
  return `${where}${p.severity === 'warning' ? 'warning: ' : ''}${path}${p.message}${hint}`;
}
