/** Entry of the detached lab supervisor process (spawned by labUp). Options arrive as JSON in argv. */
import { runSupervisor } from './supervisor.js';
import type { LabOptions } from './types.js';

const i = process.argv.indexOf('--options');
const options = JSON.parse(process.argv[i + 1] ?? '{}') as LabOptions;
// One failing background step must not take the whole lab (and its orphaned children) down.
process.on('uncaughtException', (e) => {
  process.stderr.write(`${new Date().toISOString()} uncaught: ${e.stack ?? String(e)}\n`);
});
process.on('unhandledRejection', (e) => {
  process.stderr.write(`${new Date().toISOString()} unhandled: ${(e as Error)?.stack ?? String(e)}\n`);
});
runSupervisor(options).catch((e: Error) => {
  process.stderr.write(`${new Date().toISOString()} lab failed to start: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
