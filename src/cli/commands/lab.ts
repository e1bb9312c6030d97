import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import {
  type ControlPlaneFaults,
  DrillproofError,
  labDown,
  labReset,
  labStatus,
  labUp,
  type RedisMode,
  setLabFaults,
  setLabIamPolicy,
} from '../../index.js';
import type { CommandContext, RegisterCommand } from '../context.js';
import { labDirOf } from '../flags.js';
import { ConsoleSink } from '../render.js';
import { partLines, partStatusLines } from './lab-parts.js';

function labDirArg(f: { dir?: string; lab?: string }): { dir?: string } {
  const d = labDirOf(f);
  return d === undefined ? {} : { dir: d };
}

/** `--dir` was the lab commands' older spelling of `--lab`; still accepted, hidden from help. */
const legacyDir = () => new Option('--dir <dir>', 'older spelling of --lab').hideHelp();

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
  failover?: string;
  fisActions?: string;
}

function faultsFrom(f: FaultFlags): ControlPlaneFaults {
  const out: ControlPlaneFaults = {};
  if (f.throttleRate !== undefined) out.throttleRate = f.throttleRate;
  if (f.errorRate !== undefined) out.errorRate = f.errorRate;
  if (f.slowRate !== undefined) out.slowRate = f.slowRate;
  if (f.slowMs !== undefined) out.slowMs = f.slowMs;
  if (f.failover !== undefined) {
    if (f.failover !== 'no-op' && f.failover !== 'declined') {
      throw DrillproofError.user('LabOptionInvalid', `--failover must be no-op or declined, not ${f.failover}`, {
        hint: 'write --failover no-op (accepted, nothing fails over) or --failover declined (RDS-EVENT-0034)',
      });
    }
    out.failover = f.failover;
  }
  if (f.fisActions !== undefined) {
    if (f.fisActions !== 'no-effect') {
      throw DrillproofError.user('LabOptionInvalid', `--fis-actions must be no-effect, not ${f.fisActions}`);
    }
    out.fisActions = f.fisActions;
  }
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
    .option('--slow-ms <ms>', 'delay of slow API calls (default 2000)', num('slow-ms', 0, 120_000))
    .option('--failover <mode>', 'no-op: failovers are accepted but nothing fails over; declined: RDS declines them')
    .option('--fis-actions <mode>', 'no-effect: FIS actions run through their states but do nothing');
}

function redisMode(v: string | undefined): RedisMode {
  if (v === undefined) return 'off';
  if (v === 'replication' || v === 'cluster' || v === 'both' || v === 'off') return v;
  throw DrillproofError.user('LabOptionInvalid', `--redis must be replication, cluster or both, not ${v}`, {
    hint: 'write --redis replication (cluster mode off), --redis cluster (cluster mode on) or --redis both',
  });
}

function healthCheckType(v: string): 'EC2' | 'ELB' {
  if (v === 'EC2' || v === 'ELB') return v;
  throw DrillproofError.user('LabOptionInvalid', `--asg-health-check-type must be EC2 or ELB, not ${v}`);
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
      .option('--lab <dir>', 'state directory (default $DRILLPROOF_LAB_DIR or .lab)')
      .addOption(legacyDir())

      .option('--json', 'print lab.json')
      .option('--azs <n>', 'number of lab AZs (2 or 3)', num('azs', 2, 3))
      .option('--instances-per-az <n>', 'app instances per AZ', num('instances-per-az', 2, 8))
      .option('--no-aurora', 'do not start the Aurora-style cluster lab-aurora')
      .option('--aurora-mysql', 'also start lab-aurora-mysql (Aurora MySQL style, on MariaDB servers)')
      .option('--dynamodb', 'also serve DynamoDB (table lab-app with point-in-time recovery)')
      .option('--backup', 'also serve AWS Backup (vault lab-vault over lab-db and, with --dynamodb, lab-app)')
      .option('--ecs', 'start the ECS service lab-api (Fargate-like tasks behind the ALB as ip targets)')
      .option('--lambda', 'start the Lambda functions lab-orders and lab-worker (function URL, FIS Lambda actions)')
      .option(
        '--redis <mode>',
        'ElastiCache for Redis: replication (cluster mode off), cluster (cluster mode on) or both',
      )
      .option('--redis-tls', 'Redis with in-transit encryption (lab CA) and an AUTH token')
      .option('--asg', 'put web instances in the Auto Scaling group lab-web-asg (replaced when stopped or terminated)')
      .option(
        '--asg-instances-per-az <n>',
        'instances of each AZ in the group (default 1)',
        num('asg-instances-per-az', 1, 8),
      )
      .option(
        '--asg-health-check-type <type>',
        'EC2 (default) or ELB (also replace instances failing the target group health check)',
      )
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
        lab?: string;
        json?: boolean;
        azs?: number;
        instancesPerAz?: number;
        aurora: boolean;
        auroraMysql?: boolean;
        dynamodb?: boolean;
        backup?: boolean;
        ecs?: boolean;
        lambda?: boolean;
        redis?: string;
        redisTls?: boolean;
        asg?: boolean;
        asgInstancesPerAz?: number;
        asgHealthCheckType?: string;
        fisTimeScale?: number;
        iamPolicy?: string;
      },
    ) => {
      const sink = new ConsoleSink(ctx.io, { json: false });
      const info = await labUp(
        {
          env: ctx.io.env,
          ...labDirArg(f),
          ...(f.azs !== undefined ? { azCount: f.azs } : {}),
          ...(f.instancesPerAz !== undefined ? { instancesPerAz: f.instancesPerAz } : {}),
          ...(f.fisTimeScale !== undefined ? { fisTimeScale: f.fisTimeScale } : {}),
          ...(f.iamPolicy !== undefined ? { iamPolicy: readPolicy(f.iamPolicy) } : {}),
          aurora: f.aurora,
          auroraMysql: Boolean(f.auroraMysql),
          dynamodb: Boolean(f.dynamodb),
          backup: Boolean(f.backup),
          ecs: Boolean(f.ecs),
          lambda: Boolean(f.lambda),
          redis: redisMode(f.redis),
          redisTls: Boolean(f.redisTls),
          asg: Boolean(f.asg),
          ...(f.asgInstancesPerAz !== undefined ? { asgInstancesPerAz: f.asgInstancesPerAz } : {}),
          ...(f.asgHealthCheckType !== undefined ? { asgHealthCheckType: healthCheckType(f.asgHealthCheckType) } : {}),
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
          ...(info.auroraMysql
            ? [
                `  aurora-mysql  mysql://${info.auroraMysql.user}@127.0.0.1:${info.auroraMysql.writer.port}/${info.auroraMysql.database} (reader port ${info.auroraMysql.reader.port}; same password)`,
              ]
            : []),
          ...(info.dynamodb ? [`  dynamodb      table ${info.dynamodb.tableName} on the AWS endpoint`] : []),
          ...(info.backup ? [`  backup        vault ${info.backup.vaultName}, role ${info.backup.roleArn}`] : []),
          ...partLines(info),
          `  use with      AWS_ENDPOINT_URL=${info.awsEndpoint} AWS_REGION=${info.region} AWS_ACCESS_KEY_ID=lab AWS_SECRET_ACCESS_KEY=lab`,
        ].join('\n'),
      );
    },
  );

  lab
    .command('status')
    .description('show whether the lab runs and the state of its parts')
    .option('--lab <dir>', 'state directory (default $DRILLPROOF_LAB_DIR or .lab)')
    .addOption(legacyDir())
    .option('--json', 'machine-readable output')
    .action(async (f: { dir?: string; lab?: string; json?: boolean }) => {
      const s = await labStatus({ env: ctx.io.env, ...labDirArg(f) });
      if (!s.running) ctx.setExitCode(3);
      const d = s.detail as
        | {
            instances: { id: string; az: string; state: string }[];
            targets: { id: string; state: string; reason?: string }[];
            db: { id: string; status: string; az: string }[];
            disruptedAzs: string[];
            faults: Record<string, unknown>;
            clusters: { id: string; status: string; writerAz: string }[];
            dynamodbTables?: string[];
            recoveryPoints?: number;
            restoreJobs?: { id: string; status: string }[];
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
              ...d.clusters.map((x) => `  ${x.id} ${x.status} writer in ${x.writerAz}`),
              ...(d.dynamodbTables ? [`  dynamodb tables ${d.dynamodbTables.join(', ')}`] : []),
              ...(d.recoveryPoints !== undefined
                ? [
                    `  backup: ${d.recoveryPoints} recovery points, restore jobs ${(d.restoreJobs ?? []).map((j) => `${j.id} ${j.status}`).join(', ') || 'none'}`,
                  ]
                : []),
              ...partStatusLines(s.detail),
              ...(d.disruptedAzs.length > 0 ? [`  network disrupted in ${d.disruptedAzs.join(', ')}`] : []),
              ...(Object.keys(d.faults).length > 0 ? [`  control-plane faults ${JSON.stringify(d.faults)}`] : []),
            ].join('\n')
          : `no lab running in ${s.stateDir}`,
      );
    });

  lab
    .command('down')
    .description('stop every lab process')
    .option('--lab <dir>', 'state directory (default $DRILLPROOF_LAB_DIR or .lab)')
    .addOption(legacyDir())
    .action(async (f: { dir?: string; lab?: string }) => {
      await labDown({ env: ctx.io.env, ...labDirArg(f) }, new ConsoleSink(ctx.io, { json: false }));
    });

  lab
    .command('reset')
    .description('back to the initial topology (instances running, targets healthy, DB primary in the first AZ)')
    .option('--lab <dir>', 'state directory (default $DRILLPROOF_LAB_DIR or .lab)')
    .addOption(legacyDir())
    .option('--json', 'machine-readable output')
    .action(async (f: { dir?: string; lab?: string; json?: boolean }) => {
      const s = await labReset({ env: ctx.io.env, ...labDirArg(f) });
      out(ctx, Boolean(f.json), s, 'lab reset to its initial topology');
    });

  lab
    .command('iam')
    .description('give lab credentials exactly an IAM policy (every call is then evaluated against it)')
    .argument('[policy.json]', 'IAM policy document, e.g. from drillproof iam-policy')
    .option('--clear', 'remove the policy: the key may do everything again')
    .option('--access-key-id <id>', 'which lab access key (default lab, the key in lab.json)', 'lab')
    .option('--lab <dir>', 'state directory (default $DRILLPROOF_LAB_DIR or .lab)')
    .addOption(legacyDir())
    .option('--json', 'machine-readable output')
    .action(
      async (
        file: string | undefined,
        f: { clear?: boolean; accessKeyId: string; dir?: string; lab?: string; json?: boolean },
      ) => {
        if (!file && !f.clear) {
          throw DrillproofError.user('LabOptionInvalid', 'lab iam needs a policy file or --clear', {
            hint: 'drillproof iam-policy scenario.yaml > policy.json && drillproof lab iam policy.json',
          });
        }
        const policy = f.clear ? null : readPolicy(file as string);
        const r = await setLabIamPolicy(f.accessKeyId, policy, { env: ctx.io.env, ...labDirArg(f) });
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
      .option('--lab <dir>', 'state directory (default $DRILLPROOF_LAB_DIR or .lab)')
      .addOption(legacyDir())
      .option('--json', 'machine-readable output'),
  ).action(async (f: FaultFlags & { dir?: string; lab?: string; json?: boolean }) => {
    const r = await setLabFaults(faultsFrom(f), { env: ctx.io.env, ...labDirArg(f) });
    out(
      ctx,
      Boolean(f.json),
      r,
      Object.keys(r).length ? `control-plane faults: ${JSON.stringify(r)}` : 'control-plane faults cleared',
    );
  });
};
