import { fileURLToPath } from 'node:url';

/** Path of the fake k6 executable (a Node script with a shebang). */
export const FAKE_K6 = fileURLToPath(new URL('./fake-k6.mjs', import.meta.url));

export const K6_FIXTURES = fileURLToPath(new URL('../_fixtures/k6/', import.meta.url));

export interface FakeK6Behaviour {
  /** Version fixture (.json for `version --json`, .txt for a build without --json). */
  version?: string;
  /** NDJSON fixture replayed into `--out json=<file>`. */
  fixture?: string;
  /** Summary fixture written to the handleSummary path or `--summary-export`. */
  summary?: string;
  /** Exit code after a complete replay. */
  exit?: number;
  /** Exit at once with this code (config errors, script exceptions). */
  exitAtStart?: number;
  /** Keep running after the replay until stopped. */
  hold?: boolean;
  /** Ignore stop requests: `rest`, `sigterm`. */
  ignoreStop?: ('rest' | 'sigterm')[];
  /** Shift fixture times so the first point is now (or at `rebaseTo`, epoch ms). */
  rebase?: boolean;
  rebaseTo?: number;
  /** Lines per batch (the last line of each batch is written in two parts) and pause between. */
  batch?: number;
  lineMs?: number;
  argsFile?: string;
  /** Extra environment variables (besides K6_*) the fake records in the args file. */
  recordEnv?: string[];
  stderr?: string;
}

/** Environment variables that configure the fake k6. */
export function fakeK6Env(b: FakeK6Behaviour): Record<string, string> {
  const e: Record<string, string> = {};
  if (b.version) e.FAKE_K6_VERSION = b.version;
  if (b.fixture) e.FAKE_K6_FIXTURE = b.fixture;
  if (b.summary) e.FAKE_K6_SUMMARY = b.summary;
  if (b.exit !== undefined) e.FAKE_K6_EXIT = String(b.exit);
  if (b.exitAtStart !== undefined) e.FAKE_K6_EXIT_AT_START = String(b.exitAtStart);
  if (b.hold) e.FAKE_K6_HOLD = '1';
  if (b.ignoreStop) e.FAKE_K6_IGNORE_STOP = b.ignoreStop.join(',');
  if (b.rebase) e.FAKE_K6_REBASE = '1';
  if (b.rebaseTo !== undefined) e.FAKE_K6_REBASE_TO = String(b.rebaseTo);
  if (b.batch !== undefined) e.FAKE_K6_BATCH = String(b.batch);
  if (b.lineMs !== undefined) e.FAKE_K6_LINE_MS = String(b.lineMs);
  if (b.argsFile) e.FAKE_K6_ARGS_FILE = b.argsFile;
  if (b.stderr) e.FAKE_K6_STDERR = b.stderr;
  if (b.recordEnv) e.FAKE_K6_RECORD_ENV = b.recordEnv.join(',');
  return e;
}
