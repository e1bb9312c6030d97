import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_CASES, caseKey } from './cases.js';
import { loadServiceModel } from './model.js';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

/** npm client package → service key of the AWS API models. */
const PACKAGE_SERVICE: Record<string, string> = {
  'client-ec2': 'ec2',
  'client-elastic-load-balancing-v2': 'elbv2',
  'client-rds': 'rds',
  'client-fis': 'fis',
  'client-sts': 'sts',
  'client-cloudwatch': 'cloudwatch',
  'client-iam': 'iam',
  'client-kms': 'kms',
  'client-secrets-manager': 'secretsmanager',
  'client-ecs': 'ecs',
  'client-lambda': 'lambda',
  'client-elasticache': 'elasticache',
  'client-dynamodb': 'dynamodb',
  'client-backup': 'backup',
  'client-auto-scaling': 'autoscaling',
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** `service:Operation` of every SDK command and paginator src imports (type-only imports excluded). */
function operationsUsedInSrc(): { op: string; file: string }[] {
  const out: { op: string; file: string }[] = [];
  for (const f of files(SRC)) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'@aws-sdk\/([a-z0-9-]+)'/g)) {
      if (m[1]) continue;
      const service = PACKAGE_SERVICE[m[3] ?? ''];
      if (!service) continue;
      for (const raw of (m[2] ?? '').split(',')) {
        const name = raw.trim();
        if (name.startsWith('type ')) continue;
        const cmd = /^([A-Z]\w+)Command$/.exec(name)?.[1];
        const pag = /^paginate([A-Z]\w+)$/.exec(name)?.[1];
        const op = cmd ?? pag;
        if (op) out.push({ op: `${service}:${op}`, file: f.slice(SRC.length + 1) });
      }
    }
  }
  return out;
}

describe('every AWS operation in src has a contract case', () => {
  const used = operationsUsedInSrc();
  const cases = new Set(CONTRACT_CASES.map(caseKey));

  it('finds the operations (the scan itself works)', () => {
    expect(used.map((u) => u.op)).toEqual(expect.arrayContaining(['ec2:StopInstances', 'fis:ListExperiments']));
  });

  it('no operation without a case', () => {
    const missing = [...new Set(used.filter((u) => !cases.has(u.op)).map((u) => `${u.op} (${u.file})`))];
    expect(missing, 'add an entry to test/contract/cases.ts').toEqual([]);
  });

  it('no case for an operation src does not use, and each exists in its AWS model', () => {
    const usedOps = new Set(used.map((u) => u.op));
    expect(CONTRACT_CASES.map(caseKey).filter((k) => !usedOps.has(k))).toEqual([]);
    for (const c of CONTRACT_CASES) {
      expect(loadServiceModel(c.service).operations[c.operation], caseKey(c)).toBeDefined();
    }
  });

  it('every operation AWS pages is read through its paginator', () => {
    // The clients (aws/clients.ts and the per-service call files beside it).
    const files = [...new Set(used.filter((u) => u.file.startsWith('aws/')).map((u) => u.file))];
    const paged = new Set(used.filter((u) => files.includes(u.file)).map((u) => u.op));
    const commands = files.map((f) => readFileSync(join(SRC, f), 'utf8')).join('\n');
    for (const c of CONTRACT_CASES) {
      const p = loadServiceModel(c.service).paginators[c.operation];
      if (!p) continue;
      expect(commands, `${caseKey(c)} is paged: use paginate${c.operation}`).toContain(`paginate${c.operation}`);
      expect(paged.has(caseKey(c))).toBe(true);
    }
  });
});
