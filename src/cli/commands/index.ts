import type { RegisterCommand } from '../context.js';
import { registerAnalyze } from './analyze.js';
import { registerCompare } from './compare.js';
import { registerDemo } from './demo.js';
import { registerIamPolicy } from './iam-policy.js';
import { registerImportK6 } from './import-k6.js';
import { registerKeygen } from './keygen.js';
import { register as registerLab } from './lab.js';
import { registerPlan } from './plan.js';
import { registerProbe } from './probe.js';
import { registerRecover } from './recover.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerSchema } from './schema.js';
import { registerSign } from './sign.js';
import { registerSweep } from './sweep.js';
import { registerValidate } from './validate.js';
import { registerVerify } from './verify.js';

/**
 * Every CLI command, in the order `--help` lists them. Each module exports one `register`.
 * Registration is explicit here, never by import side effects.
 */
export const commands: RegisterCommand[] = [
  registerValidate,
  registerPlan,
  registerSchema,
  registerIamPolicy,
  registerLab,
  registerRun,
  registerRecover,
  registerSweep,
  registerDemo,
  registerProbe,
  registerAnalyze,
  registerImportK6,
  registerReport,
  registerCompare,
  registerVerify,
  registerSign,
  registerKeygen,
];
