import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../../src/errors.js';
import { requireMariadbBinaries } from '../../../src/lab/mysql/binaries.js';

describe('lab MariaDB binaries', () => {
  it('a machine without mariadb-server gets a user error naming the apt package', () => {
    const empty = mkdtempSync(join(tmpdir(), 'dp-no-mariadb-'));
    let err: unknown;
    try {
      requireMariadbBinaries([empty]);
    } catch (e) {
      err = e;
    }
    expect(DrillproofError.is(err)).toBe(true);
    const e = err as DrillproofError;
    expect(e.code).toBe('LabMariadbMissing');
    expect(e.source).toBe('user');
    expect(e.message).toMatch(/no mariadbd binary was found/);
    expect(e.hint).toMatch(/apt-get install mariadb-server/);
  });
});
