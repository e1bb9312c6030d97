import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DrillproofError } from '../../errors.js';
import { labDown, labReset, labStatus, labUp, setLabFaults, setLabIamPolicy } from '../../lab/lab.js';
import type { ControlPlaneFaults } from '../../lab/types.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { ConsoleSink } from '../render.js';

function num(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw DrillproofError.user('LabOptionInvalid', `--${name} must be a number from ${min} to ${max}, not ${v}`);
    }
    return n;
  };
}

interface FaultFlags {
  throttleRate?: number;
  errorRate?: number;
  slowRate?: number;
  slowMs?: number;
}

function faultsFrom(f: FaultFlags): ControlPlaneFaults {
  const out: ControlPlaneFaults = {};
  if (f.throttleRate !== undefined) out.throttleRate = f.throttleRate;
  if (f.errorRate !== undefined) out.errorRate = f.errorRate;
  if (f.slowRate !== undefined) out.slowRate = f.slowRate;
  if (f.slowMs !== undefined) out.slowMs = f.slowMs;
  return out;
}

function addFaultFlags(c: Command): Command {
  return c
    .option(
      '--throttle-rate <fraction>',
      'answer this fraction of API calls with a throttling error',
      num('throttle-rate', 0, 1),
    )
    .option('--error-rate <fraction>', 'answer this fraction of API calls with HTTP 500/503', num('error-rate', 0, 1))
    .option('--slow-rate <fraction>', 'delay this fraction of API calls by --slow-ms', num('slow-rate', 0, 1))
    .option('--slow-ms <ms>', 'delay of slow API calls (default 2000)', num('slow-ms', 0, 120_000));
}

/** A policy file as `drillproof iam-policy` writes it. @throws DrillproofError `LabOptionInvalid` */
function readPolicy(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw DrillproofError.user('LabOptionInvalid', `cannot read the IAM policy file ${file}`, { cause });
  }
  try {
    const p = JSON.parse(text) as { Statement?: unknown };
    if (typeof p !== 'object' || p === null || p.Statement === undefined) throw new Error('no Statement');
    return p;
  } catch (cause) {
    throw DrillproofError.user(
      'LabOptionInvalid',
      `${file} is not an IAM policy document (JSON with a Statement list)`,
      {
        cause,
        hint: 'write one with: drillproof iam-policy <scenario> > policy.json',
      },
    );
  }
}

const out = (ctx: CommandContext, json: boolean, value: unknown, text: string) =>
  ctx.io.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);

/** `drillproof lab up|status|down|reset|faults`: the local failure lab. */
export const register: RegisterCommand = (program, ctx) => {
  const lab = program
    .command('lab')
    .description('run the local lab: real processes and PostgreSQL behind a local AWS API');

  addFaultFlags(
    lab
      .command('up')
      .description('start the lab (detached) and print how to reach it')
      .option('--dir <dir>', 'state directory (default $DRILLPROOF_LAB_DIR or .lab)')
      .option('--json', 'print lab.json')
      .option('--azs <n>', 'number of lab AZs (2 or 3)', num('azs', 2, 3))
      .option('--instances-per-az <n>', 'app instances per AZ', num('instances-per-az', 2, 8))
      .option('--no-aurora', 'do not start the Aurora-style cluster lab-aurora')
      .option(
        '--iam-policy <file>',
        'allow the lab credentials exactly this IAM policy (e.g. from drillproof iam-policy)',
      )
      .option(
        '--fis-time-scale <factor>',
        'multiply FIS durations (e.g. 0.1 makes PT5M last 30 s)',
        num('fis-time-scale', 0.001, 10),
      ),
  ).action(
    async (
      f: FaultFlags & {
        dir?: string;
        json?: boolean;
        azs?: number;
        instancesPerAz?: number;
        aurora: boolean;
        fisTimeScale?: number;
        iamPolicy?: string;
      },
    ) => {
      const sink = new ConsoleSink(ctx.io, { json: false });
      const info = await labUp(
        {
          env: ctx.io.env,
          ...(f.dir !== undefined ? { dir: f.dir } : {}),
          ...(f.azs !== undefined ? { azCount: f.azs } : {}),
          ...(f.instancesPerAz !== undefined ? { instancesPerAz: f.instancesPerAz } : {}),
          ...(f.fisTimeScale !== undefined ? { fisTimeScale: f.fisTimeScale } : {}),
          ...(f.iamPolicy !== undefined ? { iamPolicy: readPolicy(f.iamPolicy) } : {}),
          aurora: f.aurora,
          faults: faultsFrom(f),
        },
        sink,
      );
      out(
        ctx,
        Boolean(f.json),
        info,
        [
          `lab running (state dir ${info.stateDir})`,
          `  AWS endpoint  ${info.awsEndpoint}  (region ${info.region}, account ${info.accountId})`,
          `  app via ALB   ${info.appUrl}`,
          `  lab-db        postgres://${info.db.user}@${info.db.host}:${info.db.port}/${info.db.database}`,
          `  password      export DRILLPROOF_LAB_DB_PASSWORD='${info.db.password}'`,
          `  instances     ${info.instances.map((i) => `${i.id} (${i.az})`).join(', ')}`,
          `  use with      AWS_ENDPOINT_URL=${info.awsEndpoint} AWS_REGION=${info.region} AWS_ACCESS_KEY_ID=lab AWS_SECRET_ACCESS_KEY=lab`,
        ].join('\n'),
      );
    },
  );

  lab
    .command('status')
    .description('show whether the lab runs and the state of its parts')
    .option('--dir <dir>', 'state directory')
    .option('--json', 'machine-readable output')
    .action(async (f: { dir?: string; json?: boolean }) => {
      const s = await labStatus({ env: ctx.io.env, ...(f.dir !== undefined ? { dir: f.dir } : {}) });
      if (!s.running) ctx.setExitCode(3);
      const d = s.detail as
        | {
            instances: { id: string; az: string; state: string }[];
            targets: { id: string; state: string; reason?: string }[];
            db: { id: string; status: string; az: string }[];
            disruptedAzs: string[];
            faults: Record<string, unknown>;
          }
        | undefined;
      out(
        ctx,
        Boolean(f.json),
        s,
        s.running && d
          ? [
              `lab running in ${s.stateDir}: app ${s.info?.appUrl}, AWS endpoint ${s.info?.awsEndpoint}`,
              ...d.instances.map((i) => {
                const t = d.targets.find((x) => x.id === i.id);
                return `  ${i.id} ${i.az} ${i.state}  target ${t ? `${t.state}${t.reason ? ` (${t.reason})` : ''}` : 'not registered'}`;
              }),
              ...d.db.map((x) => `  ${x.id} ${x.status} ${x.az}`),
              ...(d.disruptedAzs.length > 0 ? [`  network disrupted in ${d.disruptedAzs.join(', ')}`] : []),
              ...(Object.keys(d.faults).length > 0 ? [`  control-plane faults ${JSON.stringify(d.faults)}`] : []),
            ].join('\n')
          : `no lab running in ${s.stateDir}`,
      );
    });

  lab
    .command('down')
    .description('stop every lab process')
    .option('--dir <dir>', 'state directory')
    .action(async (f: { dir?: string }) => {
      await labDown(
        { env: ctx.io.env, ...(f.dir !== undefined ? { dir: f.dir } : {}) },
        new ConsoleSink(ctx.io, { json: false }),
      );
    });

  lab
    .command('reset')
    .description('back to the initial topology (instances running, targets healthy, DB primary in the first AZ)')
    .option('--dir <dir>', 'state directory')
    .option('--json', 'machine-readable output')
    .action(async (f: { dir?: string; json?: boolean }) => {
      const s = await labReset({ env: ctx.io.env, ...(f.dir !== undefined ? { dir: f.dir } : {}) });
      out(ctx, Boolean(f.json), s, 'lab reset to its initial topology');
    });

  lab
    .command('iam')
    .description('give lab credentials exactly an IAM policy (every call is then evaluated against it)')
    .argument('[policy.json]', 'IAM policy document, e.g. from drillproof iam-policy')
    .option('--clear', 'remove the policy: the key may do everything again')
    .option('--access-key-id <id>', 'which lab access key (default lab, the key in lab.json)', 'lab')
    .option('--dir <dir>', 'state directory')
    .option('--json', 'machine-readable output')
    .action(
      async (file: string | undefined, f: { clear?: boolean; accessKeyId: string; dir?: string; json?: boolean }) => {
        if (!file && !f.clear) {
          throw DrillproofError.user('LabOptionInvalid', 'lab iam needs a policy file or --clear', {
            hint: 'drillproof iam-policy scenario.yaml > policy.json && drillproof lab iam policy.json',
          });
        }
        const policy = f.clear ? null : readPolicy(file as string);
        const r = await setLabIamPolicy(f.accessKeyId, policy, {
          env: ctx.io.env,
          ...(f.dir !== undefined ? { dir: f.dir } : {}),
        });
        out(
          ctx,
          Boolean(f.json),
          r,
          policy
            ? `access key ${f.accessKeyId} now has exactly the policy in ${file}`
            : `access key ${f.accessKeyId} may do everything`,
        );
      },
    );

  addFaultFlags(
    lab
      .command('faults')
      .description('set control-plane faults of the running lab (no flags clears them)')
      .option('--dir <dir>', 'state directory')
      .option('--json', 'machine-readable output'),
  ).action(async (f: FaultFlags & { dir?: string; json?: boolean }) => {
    const r = await setLabFaults(faultsFrom(f), { env: ctx.io.env, ...(f.dir !== undefined ? { dir: f.dir } : {}) });
    out(
      ctx,
      Boolean(f.json),
      r,
      Object.keys(r).length ? `control-plane faults: ${JSON.stringify(r)}` : 'control-plane faults cleared',
    );
  });
};
