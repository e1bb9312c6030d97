import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_CASES, caseKey } from './cases.js';
import { loadServiceModel } from './model.js';
import { CONTRACT_SERVICES } from './services.js';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

/** npm client package → service key of the AWS API models. */
const PACKAGE_SERVICE: Record<string, string> = Object.fromEntries(CONTRACT_SERVICES.map((c) => [c.package, c.key]));

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
        // An aliased import (`TagResourceCommand as EcsTagResourceCommand`) is the command before `as`.
        const name = raw.trim().split(/\s+as\s+/)[0] ?? '';
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
  const cases = new Set(CONTRACT_CASES.filter((c) => !c.planned).map(caseKey));

  it('finds the operations (the scan itself works)', () => {
    expect(used.map((u) => u.op)).toEqual(expect.arrayContaining(['ec2:StopInstances', 'fis:ListExperiments']));
  });

  it('no operation without a case', () => {
    const missing = [...new Set(used.filter((u) => !cases.has(u.op)).map((u) => `${u.op} (${u.file})`))];
    expect(missing, 'add an entry to test/contract/cases.ts').toEqual([]);
  });

  it('no case for an operation src does not use, and each exists in its AWS model', () => {
    const usedOps = new Set(used.map((u) => u.op));
    const current = CONTRACT_CASES.filter((c) => !c.planned).map(caseKey);
    expect(current.filter((k) => !usedOps.has(k))).toEqual([]);
    // A planned operation src now sends: capture it from its code path in paths.test.ts, drop `planned`.
    const arrived = CONTRACT_CASES.filter((c) => c.planned && usedOps.has(caseKey(c))).map(caseKey);
    expect(arrived, 'src sends it now: drop `planned` in cases.ts and send it from a path of paths.test.ts').toEqual(
      [],
    );
    for (const c of CONTRACT_CASES) {
      expect(loadServiceModel(c.service).operations[c.operation], caseKey(c)).toBeDefined();
    }
  });

  it('every operation AWS pages is read through its paginator', () => {
    // The clients (aws/clients.ts and the per-service call files beside it).
    const files = [...new Set(used.filter((u) => u.file.startsWith('aws/')).map((u) => u.file))];
    const paged = new Set(used.filter((u) => files.includes(u.file)).map((u) => u.op));
    const commands = files.map((f) => readFileSync(join(SRC, f), 'utf8')).join('\n');
    for (const c of CONTRACT_CASES.filter((x) => !x.planned)) {
      const p = loadServiceModel(c.service).paginators[c.operation] as { input_token?: unknown } | undefined;
      // A result key without a token (RDS ListTagsForResource) is one page: the SDK has no paginator.
      if (!p?.input_token) continue;
      expect(commands, `${caseKey(c)} is paged: use paginate${c.operation}`).toContain(`paginate${c.operation}`);
      expect(paged.has(caseKey(c))).toBe(true);
    }
  });
});
