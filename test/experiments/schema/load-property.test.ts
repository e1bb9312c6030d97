import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DrillproofError } from '../../../src/errors.js';
import { loadScenarioBytes } from '../../../src/experiments/load.js';
import { repoRoot, shippedScenarios } from '../../_helpers/scenario-files.js';

/**
 * Whatever a user writes, the loader either accepts it or throws drillproof's own user error
 * (ScenarioInvalid, with positioned problems): never a TypeError, RangeError or stack trace.
 */
const files = shippedScenarios();
const texts = files.map((f) => readFileSync(join(repoRoot, f), 'utf8'));

function check(bytes: Uint8Array, index: number): void {
  const file = files[index] as string;
  try {
    loadScenarioBytes(bytes, `mutated/${file}`, { baseDir: dirname(join(repoRoot, file)) });
  } catch (err) {
    if (!DrillproofError.is(err)) throw err;
    expect(err.source).toBe('user');
    expect(err.code).toBe('ScenarioInvalid');
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(p.position?.line).toBeGreaterThanOrEqual(1);
      expect(p.position?.col).toBeGreaterThanOrEqual(1);
      expect(p.message.length).toBeGreaterThan(0);
    }
  }
}

type Tree = unknown;
type Step = { kind: 'delete' | 'replace' | 'insert'; pick: number; key: string; value: unknown };

/** Applies one structural mutation at the `pick`-th node (pre-order) of the tree. */
function mutate(tree: Tree, step: Step): Tree {
  const root = structuredClone(tree);
  let n = 0;
  const visit = (node: unknown): boolean => {
    if (node === null || typeof node !== 'object') return false;
    const entries: [string | number, unknown][] = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : Object.entries(node);
    for (const [k, v] of entries) {
      if (n++ === step.pick) {
        const holder = node as Record<string | number, unknown>;
        if (step.kind === 'delete') {
          if (Array.isArray(node)) node.splice(k as number, 1);
          else delete holder[k];
        } else if (step.kind === 'replace') holder[k] = step.value;
        else if (Array.isArray(node)) node.splice(k as number, 0, step.value);
        else holder[step.key] = step.value;
        return true;
      }
      if (visit(v)) return true;
    }
    return false;
  };
  visit(root);
  return root;
}

const valueArb = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '30s',
    '5 minutes',
    '20/s',
    '99.9%',
    `\${env.X}`,
    `\${lab.`,
    `\${nope.x}`,
    -1,
    0,
    1e308,
    '',
    'ec2-stop',
  ),
);
const stepArb = fc.record({
  kind: fc.constantFrom<Step['kind']>('delete', 'replace', 'insert'),
  pick: fc.nat({ max: 200 }),
  key: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('type', 'resource', 'timeout', 'password', '__proto__')),
  value: valueArb,
});

describe('loader under random mutation', () => {
  it('structural mutations of shipped scenarios', () => {
    fc.assert(
      fc.property(fc.nat({ max: files.length - 1 }), fc.array(stepArb, { minLength: 1, maxLength: 4 }), (i, steps) => {
        let tree = parse(texts[i] as string) as Tree;
        for (const step of steps) tree = mutate(tree, step);
        check(new TextEncoder().encode(stringify(tree)), i);
      }),
      { numRuns: 400 },
    );
  });

  it('byte-level edits (insert, delete, replace random bytes)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: files.length - 1 }),
        fc.array(fc.record({ at: fc.nat(), del: fc.nat({ max: 8 }), ins: fc.uint8Array({ maxLength: 8 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        (i, edits) => {
          let bytes = new TextEncoder().encode(texts[i] as string);
          for (const e of edits) {
            const at = e.at % (bytes.length + 1);
            const next = new Uint8Array(bytes.length - Math.min(e.del, bytes.length - at) + e.ins.length);
            next.set(bytes.subarray(0, at), 0);
            next.set(e.ins, at);
            next.set(bytes.subarray(Math.min(bytes.length, at + e.del)), at + e.ins.length);
            bytes = next;
          }
          check(bytes, i);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('random text and random bytes', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: files.length - 1 }),
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.string({ maxLength: 300 }).map((s) => new TextEncoder().encode(s)),
        ),
        (i, bytes) => {
          check(bytes, i);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('deep nesting and alias bombs stay user errors', () => {
    check(new TextEncoder().encode(`${'['.repeat(5000)}${']'.repeat(5000)}`), 0);
    check(new TextEncoder().encode(`version: 1\nmetadata: ${'{a: '.repeat(3000)}1${'}'.repeat(3000)}\n`), 0);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let k = 1; k < 9; k++)
      bomb.push(
        `${String.fromCharCode(97 + k)}: &${String.fromCharCode(97 + k)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + k)}`)
          .join(', ')}]`,
      );
    check(new TextEncoder().encode(`${bomb.join('\n')}\n`), 0);
  });
});
