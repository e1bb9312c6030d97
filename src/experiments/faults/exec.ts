import { resolve } from 'node:path';
import { z } from 'zod';
import { DrillproofError } from '../../errors.js';
import { ExitCode } from '../../exit-codes.js';
import { positiveDuration, strict, stringMap, text } from '../../scenario/common.js';
import { durationMs } from '../../scenario/helpers.js';
import { type ExecSpec, execManualStep, runExec } from './command.js';
import { defineFault } from './definition.js';
import { defineInverse } from './inverse.js';
import { S, stepShape } from './step.js';

const argv = z.array(text).min(1, { error: 'a command needs at least the program: [program, args...]' });
const command = z.union([argv, text]);

export const execFault = strict({
  ...stepShape,
  type: z.literal('exec'),
  command: command.meta({
    description: 'argv [program, args...], run without a shell; a single string only with shell: true.',
  }),
  inverse: command.optional().meta({ description: 'Run by rollback, in the same form as command.' }),
  shell: z.boolean().default(false).meta({
    description:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the variable syntax
      'Run command and inverse as /bin/sh -c scripts (risky: quoting is yours). ${env.X} reaches the script as the shell variable ${X}, never spliced in.',
  }),
  timeout: positiveDuration.default('30s').meta({ description: 'Killed (its whole process group) after this long.' }),
  env: stringMap.optional().meta({ description: 'Added to the environment of the command and its inverse.' }),
  cwd: text
    .optional()
    .meta({ description: "Working directory, relative to the scenario's directory (default: that directory)." }),
}).meta({ description: 'Run a command (no shell unless shell: true); exit code 0 = success.' });

type ExecStep = { command: string[] | string; shell?: boolean; env?: Record<string, unknown>; cwd?: string };

/** The journaled form of a step's command: templates kept, directories made absolute. */
export function execSpec(step: ExecStep, cmd: string[] | string, timeoutMs: number, scenarioDir: string): ExecSpec {
  return {
    command: cmd,
    ...(step.shell ? { shell: true } : {}),
    ...(step.env ? { env: Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, String(v)])) } : {}),
    cwd: resolve(scenarioDir, step.cwd ?? '.'),
    baseDir: resolve(scenarioDir),
    timeoutMs,
  };
}

function failed(code: string, what: string, r: { exitCode: number | null; timedOut: boolean; stderr: string }) {
  const how = r.timedOut ? 'timed out (killed)' : r.exitCode === null ? 'could not start' : `exited ${r.exitCode}`;
  return DrillproofError.user(code, `${what} ${how}: ${r.stderr.trim().slice(-300)}`, {
    exitCode: ExitCode.StepFailed,
    hint: 'the command is part of the drill: fix it or its environment, then run the drill again',
  });
}

const str = z.string();
/** Runs a command as an undo: an exec fault's `inverse`, or an explicit rollback step. */
export const execInverse = defineInverse({
  action: 'exec',
  params: z.object({
    command: z.union([z.array(str).min(1), str]),
    shell: z.boolean().optional(),
    env: z.record(str, str).optional(),
    cwd: str.optional(),
    baseDir: str.optional(),
    timeoutMs: z.number().positive().optional(),
  }),
  async run(ctx, p) {
    const spec: ExecSpec = {
      ...p,
      cwd: resolve(ctx.scenarioDir, p.cwd ?? '.'),
      baseDir: p.baseDir ?? ctx.scenarioDir,
      timeoutMs: p.timeoutMs ?? 60_000,
    };
    const r = await runExec(spec, ctx.env, 'inverse command');
    if (r.exitCode !== 0) throw failed('InverseCommandFailed', 'inverse command', r);
    return [];
  },
});

export function execInverseSpec(spec: ExecSpec) {
  const shown = typeof spec.command === 'string' ? spec.command : spec.command.join(' ');
  return execInverse.spec({ ...spec }, `run ${shown}`, [execManualStep(spec)]);
}

function describe(cmd: string[] | string, shell: boolean): string {
  return shell || typeof cmd === 'string' ? `sh -c ${JSON.stringify(cmd)}` : JSON.stringify(cmd);
}

/** exec: runs a command (argv without a shell, or a `shell: true` script); optional inverse. */
export const execDefinition = defineFault({
  type: 'exec',
  schema: execFault,
  resourceRefs: [],
  crossCheck(step, ctx) {
    const shell = step.shell === true;
    for (const key of ['command', 'inverse'] as const) {
      const v = step[key];
      if (typeof v === 'string' && !shell) {
        ctx.issue([key], `a single-string ${key} runs through a shell: write [program, args...] or add shell: true`, v);
      } else if (Array.isArray(v) && shell) {
        ctx.issue([key], `with shell: true, ${key} is one script string, e.g. "./undo.sh && echo done"`, v);
      }
    }
  },
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
      title: `run ${typeof f.command === 'string' ? 'a shell script' : f.command[0]}`,
      description: `Runs ${describe(f.command, f.shell)} (${f.shell ? 'shell' : 'no shell'}, timeout ${f.timeout}).`,
      targets: [],
      preflight: [],
      inject: [],
      watch: [],
      inverse: f.inverse
        ? { description: `run ${describe(f.inverse, f.shell)}`, awsCalls: [], command: [f.inverse].flat() }
        : null,
      inverseActions: f.inverse ? [execInverse.action] : [],
      destructive: true,
      recoveryTypicalMs: 10 * S,
      injectMs: { typical: Math.min(t, 1 * S), max: t },
      inverseMs: f.inverse ? { typical: Math.min(t, 1 * S), max: t } : { typical: 0, max: 0 },
      notes: f.inverse ? [] : ['no inverse: rollback does not undo this command'],
    };
  },
  async prepare(step, ctx) {
    const timeoutMs = durationMs(step.timeout);
    const spec = execSpec(step, step.command, timeoutMs, ctx.scenarioDir);
    const shown = typeof step.command === 'string' ? step.command : step.command.join(' ');
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'exec',
        targets: [shown],
        inverse: step.inverse ? execInverseSpec(execSpec(step, step.inverse, timeoutMs, ctx.scenarioDir)) : null,
        preflight: async () => [{ check: 'exec command', ok: true, detail: `${shown} (in ${spec.cwd})` }],
        run: async (c) => {
          const r = await runExec(spec, c.env, `command of ${step.id}`);
          if (r.exitCode !== 0) throw failed('ExecCommandFailed', `command of ${step.id}`, r);
          return { requestIds: [], response: { exitCode: r.exitCode, stdout: r.stdout.trim().slice(-300) } };
        },
      },
    ];
  },
  inverses: [execInverse],
  expandsEnvAtRun: true,
});
