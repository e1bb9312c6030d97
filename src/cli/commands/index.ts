import type { RegisterCommand } from '../context.js';
import { register as lab } from './lab.js';

/**
 * Every CLI command, in the order `--help` lists them. Each module exports one `register`.
 * Registration is explicit here, never by import side effects.
 */
export const commands: RegisterCommand[] = [lab];
