import type { RegisterCommand } from '../context.js';
import { registerCompare } from './compare.js';
import { registerKeygen } from './keygen.js';
import { registerReport } from './report.js';
import { registerSign } from './sign.js';
import { registerVerify } from './verify.js';

/**
 * Every CLI command, in the order `--help` lists them. Each module exports one `register`.
 * Registration is explicit here, never by import side effects.
 */
export const commands: RegisterCommand[] = [
  registerReport,
  registerCompare,
  registerSign,
  registerVerify,
  registerKeygen,
];
