import type { RegisterCommand } from '../context.js';
import { registerAnalyze } from './analyze.js';
import { registerImportK6 } from './import-k6.js';
import { registerProbe } from './probe.js';
import { registerRecover } from './recover.js';
import { registerRun } from './run.js';
import { registerSweep } from './sweep.js';

/**
 * Every CLI command, in the order `--help` lists them. Each module exports one `register`.
 * Registration is explicit here, never by import side effects.
 */
export const commands: RegisterCommand[] = [
  // engine
  registerRun,
  registerRecover,
  registerSweep,
  // measure
  registerProbe,
  registerAnalyze,
  registerImportK6,
];
