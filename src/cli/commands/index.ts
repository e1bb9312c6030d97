import type { RegisterCommand } from '../context.js';
import { registerIamPolicy } from './iam-policy.js';
import { registerPlan } from './plan.js';
import { registerSchema } from './schema.js';
import { registerValidate } from './validate.js';

/**
 * Every CLI command, in the order `--help` lists them. Each module exports one `register`.
 * Registration is explicit here, never by import side effects.
 */
export const commands: RegisterCommand[] = [registerValidate, registerPlan, registerIamPolicy, registerSchema];
