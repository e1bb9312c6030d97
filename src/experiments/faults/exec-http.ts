import { DrillproofError } from '../../errors.js';
import { parseDurationMs } from '../../util/units.js';
import { type HttpActionSpec, runCommand, sendHttp } from './exec-http-runtime.js';
import type { FaultRuntime, FaultStep } from './types.js';

function timeoutOf(step: FaultStep): number {
  return typeof step.timeout === 'string' ? (parseDurationMs(step.timeout) ?? 60_000) : 60_000;
}

/** exec: runs a command (argv, no shell); optional inverse command. */
export const execRuntime: FaultRuntime = {
  type: 'exec',
  iamActions: [],
  async prepare(step) {
    const command = step.command as string[] | undefined;
    if (!Array.isArray(command) || command.length === 0) {
      throw DrillproofError.user('ExecCommandMissing', `fault ${step.id} needs command: [program, args...]`);
    }
    const inverse = step.inverse as string[] | undefined;
    const timeoutMs = timeoutOf(step);
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'exec',
        targets: [command.join(' ')],
        inverse: Array.isArray(inverse)
          ? {
              action: 'exec',
              params: { command: inverse, timeoutMs },
              description: `run ${inverse.join(' ')}`,
              manualSteps: [inverse.join(' ')],
            }
          : null,
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
};

/** http: sends one request (e.g. a feature flag or an admin endpoint); optional inverse request. */
export const httpRuntime: FaultRuntime = {
  type: 'http',
  iamActions: [],
  async prepare(step) {
    if (typeof step.url !== 'string') throw DrillproofError.user('HttpUrlMissing', `fault ${step.id} needs url`);
    const spec: HttpActionSpec = {
      url: step.url,
      method: (step.method as string | undefined) ?? 'POST',
      ...(typeof step.body === 'string' ? { body: step.body } : {}),
      ...(Array.isArray(step.expectStatus) ? { expectStatus: step.expectStatus as number[] } : {}),
      timeoutMs: timeoutOf(step),
    };
    const inv = step.inverse as Partial<HttpActionSpec> | undefined;
    const invSpec = inv?.url ? { ...inv, method: inv.method ?? 'POST' } : null;
    return [
      {
        stepId: step.id,
        fault: step.type,
        action: 'http',
        targets: [`${spec.method} ${spec.url}`],
        inverse: invSpec
          ? {
              action: 'http',
              params: invSpec as Record<string, unknown>,
              description: `${invSpec.method} ${invSpec.url}`,
              manualSteps: [
                `curl -X ${invSpec.method} ${invSpec.url}${invSpec.body ? ` --data '${invSpec.body}'` : ''}`,
              ],
            }
          : null,
        preflight: async () => [{ check: 'http action', ok: true, detail: `${spec.method} ${spec.url}` }],
        run: async () => {
          const r = await sendHttp(spec);
          if (!r.ok) {
            throw DrillproofError.user(
              'HttpActionFailed',
              `${spec.method} ${spec.url} answered ${r.status ?? r.detail}`,
            );
          }
          return { requestIds: [], response: { status: r.status } };
        },
      },
    ];
  },
};
