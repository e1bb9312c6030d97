import { buildPlan, formatPlanText, formatProblem, loadScenarioFile } from '../../index.js';
import type { RegisterCommand } from '../context.js';

export const registerPlan: RegisterCommand = (program, ctx) => {
  program
    .command('plan')
    .description('show what a drill would do, in order: AWS calls, inverses, IAM actions, duration (no network)')
    .argument('<file>', 'scenario file')
    .option('--json', 'print the plan as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const loaded = loadScenarioFile(file);
      const plan = buildPlan(loaded);
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify({ ...plan, scenarioWarnings: loaded.warnings }, null, 2)}\n`);
        return;
      }
      for (const w of loaded.warnings) ctx.io.stderr.write(`${formatProblem(w)}\n`);
      ctx.io.stdout.write(formatPlanText(plan));
    });
};
