import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../../src/errors.js';
import { inspectK6Binary, resolveK6Binary } from '../../../src/probes/k6/binary.js';
import {
  checkK6Binary,
  parseK6VersionJson,
  parseK6VersionText,
  scriptExtensionImports,
} from '../../../src/probes/k6/version.js';
import { FAKE_K6, fakeK6Env, K6_FIXTURES } from '../../_helpers/fake-k6.js';

const fx = (n: string) => join(K6_FIXTURES, n);
const text = (n: string) => readFileSync(fx(n), 'utf8');

function thrown(f: () => unknown): DrillproofError {
  try {
    f();
  } catch (e) {
    if (DrillproofError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a DrillproofError');
}

describe('k6 version parsing', () => {
  it('reads version --json with extensions', () => {
    const v = parseK6VersionJson(text('version-v2.2.0-xk6-sql.json'));
    expect(v).toMatchObject({ version: 'v2.2.0', major: 2, minor: 2, patch: 0, from: 'json' });
    expect(v?.extensions.flatMap((e) => e.imports)).toEqual(['k6/x/sql', 'k6/x/sql/driver/postgres']);
  });

  it('reads the text form with an Extensions block', () => {
    const v = parseK6VersionText(text('version-v1.8.1-extensions.txt'));
    expect(v).toMatchObject({ version: 'v1.8.1', major: 1, from: 'text' });
    expect(v?.extensions).toEqual([
      { module: 'github.com/grafana/xk6-output-influxdb', version: 'v0.3.0', imports: [], outputs: ['xk6-influxdb'] },
      { module: 'github.com/mostafa/xk6-kafka', version: 'v0.17.0', imports: ['k6/x/kafka'], outputs: [] },
    ]);
    expect(parseK6VersionText(text('version-v0.43.1.txt'))?.version).toBe('v0.43.1');
    expect(parseK6VersionText('not k6')).toBeNull();
    expect(parseK6VersionJson('{"version":"banana"}')).toBeNull();
  });

  it('finds k6/x imports in a script', () => {
    expect(scriptExtensionImports(text('user-script-sql.js'))).toEqual(['k6/x/sql', 'k6/x/sql/driver/postgres']);
    expect(scriptExtensionImports(text('user-script-plain.js'))).toEqual([]);
    expect(scriptExtensionImports("const k = require('k6/x/kafka'); import('k6/x/faker')")).toEqual([
      'k6/x/faker',
      'k6/x/kafka',
    ]);
  });
});

describe('checkK6Binary', () => {
  const stock = parseK6VersionJson(text('version-v2.2.0.json'))!;
  const withSql = parseK6VersionJson(text('version-v2.2.0-xk6-sql.json'))!;

  it('accepts stock v2 for plain scripts and an xk6 build for sql scripts', () => {
    expect(() => checkK6Binary('/k6', stock, { imports: [], extensions: [] })).not.toThrow();
    expect(() =>
      checkK6Binary('/k6', withSql, { imports: ['k6/x/sql', 'k6/x/sql/driver/postgres'], extensions: ['xk6-sql'] }),
    ).not.toThrow();
  });

  it('names the missing modules and the xk6 build command', () => {
    const e = thrown(() =>
      checkK6Binary('/usr/bin/k6', stock, { imports: ['k6/x/sql', 'k6/x/sql/driver/postgres'], extensions: [] }),
    );
    expect(e.code).toBe('K6ExtensionMissing');
    expect(e.exitCode).toBe(3);
    expect(e.message).toBe('k6 v2.2.0 at /usr/bin/k6 lacks module k6/x/sql, module k6/x/sql/driver/postgres');
    expect(e.hint).toContain(
      'xk6 build v2.2.0 --with github.com/grafana/xk6-sql --with github.com/grafana/xk6-sql-driver-postgres -o ./k6',
    );
    expect(e.hint).toContain('--k6 ./k6 or K6_BIN=./k6');
  });

  it('names a missing scenario extension', () => {
    const e = thrown(() => checkK6Binary('/k6', withSql, { imports: [], extensions: ['xk6-kafka', 'xk6-sql'] }));
    expect(e.message).toBe('k6 v2.2.0 at /k6 lacks extension xk6-kafka');
    expect(e.hint).toContain('--with github.com/grafana/xk6-kafka');
  });

  it('rejects k6 v0.x', () => {
    const e = thrown(() =>
      checkK6Binary('/k6', parseK6VersionText(text('version-v0.43.1.txt'))!, { imports: [], extensions: [] }),
    );
    expect(e.code).toBe('K6VersionUnsupported');
    expect(e.message).toContain('k6 v0.43.1');
  });
});

describe('finding and asking the binary', () => {
  it('asks version --json, and falls back to the text form', async () => {
    const env = { ...process.env, ...fakeK6Env({ version: fx('version-v2.2.0-xk6-sql.json') }) };
    expect(await inspectK6Binary(FAKE_K6, env)).toMatchObject({ version: 'v2.2.0', from: 'json' });
    const old = { ...process.env, ...fakeK6Env({ version: fx('version-v1.8.1-extensions.txt') }) };
    const info = await inspectK6Binary(FAKE_K6, old);
    expect(info).toMatchObject({ version: 'v1.8.1', from: 'text' });
    expect(info.extensions[1]?.imports).toEqual(['k6/x/kafka']);
  });

  it('fails clearly for something that is not k6', async () => {
    await expect(inspectK6Binary('/bin/false')).rejects.toMatchObject({ code: 'K6NotRunnable' });
  });

  it('prefers --k6, then K6_BIN, then the scenario, then PATH', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-k6-bin-'));
    const onPath = join(dir, 'k6');
    writeFileSync(onPath, '#!/bin/sh\n');
    chmodSync(onPath, 0o755);
    const env = { PATH: `/nonexistent:${dir}` };
    expect(await resolveK6Binary({ env })).toBe(onPath);
    expect(await resolveK6Binary({ env, scenario: FAKE_K6 })).toBe(FAKE_K6);
    expect(await resolveK6Binary({ env: { ...env, K6_BIN: onPath }, scenario: FAKE_K6 })).toBe(onPath);
    expect(await resolveK6Binary({ env: { ...env, K6_BIN: onPath }, flag: FAKE_K6 })).toBe(FAKE_K6);
    await expect(resolveK6Binary({ env: { PATH: '/nonexistent' } })).rejects.toMatchObject({ code: 'K6NotFound' });
    await expect(resolveK6Binary({ env, flag: join(dir, 'missing-k6') })).rejects.toThrow(/from --k6/);
  });
});
