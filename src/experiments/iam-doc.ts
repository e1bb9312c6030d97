import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildIamPolicy } from './iam-policy.js';
import { loadScenarioFile } from './load.js';
import { buildPlan } from './plan/build.js';

/**
 * Renders docs/iam-permissions.md: the least-privilege policy of every shipped AWS scenario,
 * exactly as `drillproof iam-policy` prints it. A test regenerates it so the page cannot drift.
 */
export function renderIamPermissionsDoc(scenarioDir: string): string {
  const files = readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const parts = [
    '# IAM permissions per scenario',
    '',
    'Generated from the shipped scenarios in `scenarios/aws/` by the same code as',
    '`drillproof iam-policy <scenario>`; `npm run docs:iam` regenerates it and a test fails when it is stale.',
    'Print the policy of your own scenario with `drillproof iam-policy my-drill.yaml`: it covers preflight',
    '(caller identity, DryRun checks, describes), the faults and their inverses, the watchers, secrets and',
    'database IAM authentication the probes use, the AWS APIs probes call themselves (a `lambda` probe',
    'Invokes its function; a `dynamodb-heartbeat` calls DescribeTable, PutItem and Query on its table, in',
    "the probe's region), and the signing key when it lives in AWS KMS. Destructive",
    'actions are scoped to the selected resources and, when the scenario sets `guardrails.requiredTag`, to',
    'resources carrying that tag. A KMS key given on the command line instead (`run --kms-key`, `sign',
    '--kms-key`) needs `kms:GetPublicKey` and `kms:Sign` on that key; `verify --kms-key` needs only',
    '`kms:GetPublicKey`. Keyless signing needs no AWS permission.',
    '',
    "Each policy also allows `iam:SimulatePrincipalPolicy` on the account's users and roles: before anything",
    'runs, preflight uses it to prove that the caller (an assumed role is simulated as its role) may make every',
    'call of the policy, including those AWS cannot DryRun. Without it preflight warns and checks with DryRun',
    'only. Restores are also allowed on option, parameter and subnet groups (`og:*`, `pg:*`, `subgrp:*`),',
    'which AWS authorizes a restore on, and on the restored instance `<source>-dp-*` the drill creates.',
    "Every action and ARN here exists in AWS's service authorization data (a test checks it), and in the",
    'local lab a key can be given exactly such a policy (`drillproof lab iam`, see [lab.md](lab.md)).',
    '',
  ];
  for (const f of files) {
    const loaded = loadScenarioFile(join(scenarioDir, f));
    const policy = buildIamPolicy(buildPlan(loaded));
    const actions = [...new Set(policy.Statement.flatMap((s) => s.Action))].sort();
    parts.push(`## ${basename(f, '.yaml')}`, '');
    parts.push(`${loaded.scenario.metadata.description ?? loaded.scenario.metadata.name}`.trim(), '');
    parts.push(`Actions: ${actions.map((a) => `\`${a}\``).join(', ')}`, '');
    parts.push('```json', JSON.stringify(policy, null, 2), '```', '');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
