import type { RegisterCommand } from '../context.js';
import { registerAnalyze } from './analyze.js';
import { registerIamPolicy } from './iam-policy.js';
import { registerImportK6 } from './import-k6.js';
import { registerPlan } from './plan.js';
import { registerProbe } from './probe.js';
import { registerRecover } from './recover.js';
import { registerRun } from './run.js';
import { registerSchema } from './schema.js';
import { registerSweep } from './sweep.js';
import { registerValidate } from './validate.js';

/**
 * Every CLI command, in the order `--help` lists them. Each module exports one `register`.
 * Registration is explicit here, never by import side effects.
 */
export const commands: RegisterCommand[] = [
  registerValidate,
  registerPlan,
  // engine
  registerRun,
  registerRecover,
  registerSweep,
  registerSchema,
  registerIamPolicy,
  // measure
  registerProbe,
  registerAnalyze,
  registerImportK6,
];
