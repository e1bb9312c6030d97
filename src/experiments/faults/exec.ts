import { z } from 'zod';
import { DrillproofError } from '../../errors.js';
import { positiveDuration, strict, stringMap, text } from '../../scenario/common.js';
import { durationMs } from '../../scenario/helpers.js';
import { runCommand } from './command.js';
import { defineFault } from './definition.js';
import { defineInverse } from './inverse.js';
import { S, stepShape } from './step.js';

const argv = z.array(text).min(1, { error: 'a command needs at least the program: [program, args...]' });

export const execFault = strict({
  ...stepShape,
  type: z.literal('exec'),
  command: argv.meta({ description: 'argv, run without a shell.' }),
  inverse: argv.optional().meta({ description: 'argv run by rollback.' }),
  timeout: positiveDuration.default('30s'),
  env: stringMap.optional(),
  cwd: text.optional(),
}).meta({ description: 'Run a command (no shell); exit code 0 = success.' });

/** Runs an argv (no shell) as an undo: an exec fault's `inverse`, or an explicit rollback step. */
export const execInverse = defineInverse({
  action: 'exec',
  params: z.object({ command: z.array(z.string()).min(1), timeoutMs: z.number().positive().optional() }),
  async run(ctx, { command, timeoutMs }) {
    const r = await runCommand(command, { timeoutMs: timeoutMs ?? 60_000, cwd: ctx.scenarioDir, env: ctx.env });
    if (r.exitCode !== 0) {
      throw DrillproofError.user(
        'InverseCommandFailed',
        `inverse command exited ${r.exitCode}: ${r.stderr.slice(-300)}`,
      );
    }
    return [];
  },
});

export function execInverseSpec(command: string[], timeoutMs: number) {
  return execInverse.spec({ command, timeoutMs }, `run ${command.join(' ')}`, [command.join(' ')]);
}

/** exec: runs a command (argv, no shell); optional inverse command. */
export const execDefinition = defineFault({
  type: 'exec',
  schema: execFault,
  resourceRefs: [],
  warnings: (f, { scenario, at }) =>
    !f.inverse && scenario.rollback.mode === 'auto'
      ? [
          {
            code: 'FaultWithoutInverse',
            message: `exec fault "${f.id}" has no inverse: rollback will not undo it`,
            path: [...at, 'command'],
            hint: 'add inverse: [program, args...] if the command changes anything',
          },
        ]
      : [],
  plan(f) {
    const t = durationMs(f.timeout);
    return {
      title: `run ${f.command[0]}`,
      description: `Runs ${JSON.stringify(f.command)} (no shell, timeout ${f.timeout}).`,
      targets: [],
      preflight: [],
      inject: [],
      watch: [],
      inverse: f.inverse ? { description: `run ${JSON.stringify(f.inverse)}`, awsCalls: [], command: f.inverse } : null,
      inverseActions: f.inverse ? [execInverse.action] : [],
      destructive: true,
      recoveryTypicalMs: 10 * S,
      injectMs: { typical: Math.min(t, 1 * S), max: t },
      inverseMs: f.inverse ? { typical: Math.min(t, 1 * S), max: t } : { typical: 0, max: 0 },
      notes: f.inverse ? [] : ['no inverse: rollback does not undo this command'],
    };
  },
  async prepare(step) {
    const command = step.command;
    const timeoutMs = durationMs(step.timeout);
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'exec',
        targets: [command.join(' ')],
        inverse: step.inverse ? execInverseSpec(step.inverse, timeoutMs) : null,
        preflight: async () => [{ check: 'exec command', ok: true, detail: command.join(' ') }],
        run: async (c) => {
          const r = await runCommand(command, { timeoutMs, cwd: c.scenarioDir, env: c.env });
          if (r.exitCode !== 0) {
            throw DrillproofError.user(
              'ExecCommandFailed',
              `command ${command.join(' ')} ${r.timedOut ? 'timed out' : `exited ${r.exitCode}`}: ${r.stderr.trim().slice(-300)}`,
            );
          }
          return { requestIds: [], response: { exitCode: r.exitCode, stdout: r.stdout.trim().slice(-300) } };
        },
      },
    ];
  },
  inverses: [execInverse],
});
