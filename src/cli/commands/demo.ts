import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { labDown, labUp, runDemo } from '../../index.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { ConsoleSink } from '../render.js';

interface DemoFlags {
  series?: boolean;
  out?: string;
  json?: boolean;
}

/** scenarios/lab of this package (dist/cli/commands → ../../../scenarios/lab). */
function packagedLabScenarios(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'scenarios', 'lab');
}

export const registerDemo: RegisterCommand = (program: Command, ctx: CommandContext) => {
  program
    .command('demo')
    .description('start the local lab, run the AZ-impairment drill (or --series), print verdicts, stop the lab')
    .option('--series', 'run instance stop, database failover and point-in-time restore instead')
    .option('--out <dir>', 'where run directories go', 'runs')
    .option('--json', 'JSON lines on stdout instead of text')
    .action(async (flags: DemoFlags) => {
      const sink = new ConsoleSink(ctx.io, { json: flags.json === true });
      // A private lab: the demo never touches a lab the user runs in .lab.
      const labDir = mkdtempSync(join(tmpdir(), 'drillproof-demo-lab-'));
      try {
        const r = await runDemo({
          lab: {
            up: async (dir) => {
              await labUp({ dir, env: ctx.io.env }, sink);
            },
            down: async (dir) => {
              await labDown({ dir, env: ctx.io.env }, sink);
            },
          },
          labDir,
          scenariosDir: packagedLabScenarios(),
          outDir: resolve(flags.out ?? 'runs'),
          mode: flags.series ? 'series' : 'az',
          env: ctx.io.env,
          sink,
        });
        ctx.setExitCode(r.exitCode);
      } finally {
        rmSync(labDir, { recursive: true, force: true });
      }
    });
};
