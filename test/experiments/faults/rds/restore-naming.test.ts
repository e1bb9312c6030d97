import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { restoredDbId, restoredDbPattern } from '../../../../src/experiments/faults/rds/restore-naming.js';
import { globMatch } from '../../../../src/lab/api/auth.js';

const RDS_ID = /^[a-z](?!.*--)[a-z0-9-]{0,62}$/;

describe('restored database names and the IAM pattern come from one rule', () => {
  it('names a restore <source>-dp-<run>-<step>, inside the pattern iam-policy grants', () => {
    const id = restoredDbId('lab-db', '20261122T074500Z-lab-rds-pitr-restore-3f9a', 'restore');
    expect(id).toBe('lab-db-dp-20261122t074500z-3f9a-restore');
    expect(restoredDbPattern('lab-db')).toBe('lab-db-dp-*');
    expect(globMatch(restoredDbPattern('lab-db'), id)).toBe(true);
  });

  it('two runs of the same scenario get different names', () => {
    expect(restoredDbId('db', '20261122T074500Z-x-3f9a', 's')).not.toBe(
      restoredDbId('db', '20261122T074500Z-x-77c1', 's'),
    );
  });

  it('any source, run and step: a valid RDS identifier that the pattern matches', () => {
    const idPart = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,62}$/);
    fc.assert(
      fc.property(
        idPart,
        fc.stringMatching(/^[0-9A-Za-z-]{1,80}$/),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,40}$/),
        (src, run, step) => {
          const id = restoredDbId(src, run, step);
          expect(id).toMatch(RDS_ID);
          expect(id.endsWith('-')).toBe(false);
          expect(globMatch(restoredDbPattern(src), id)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
