import { buildIamPolicy, buildPlan, loadScenarioFile } from '../../index.js';
import type { RegisterCommand } from '../context.js';

export const registerIamPolicy: RegisterCommand = (program, ctx) => {
  program
    .command('iam-policy')
    .description('print the least-privilege IAM policy (JSON) the scenario needs')
    .argument('<file>', 'scenario file')
    .action((file: string) => {
      const plan = buildPlan(loadScenarioFile(file));
      ctx.io.stdout.write(`${JSON.stringify(buildIamPolicy(plan), null, 2)}\n`);
    });
};
