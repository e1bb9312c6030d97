import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../src/errors.js';
import { loadScenarioFile } from '../../src/experiments/load.js';
import { portNumber } from '../../src/scenario/helpers.js';
import { checkVarSyntax, collectVars, resolveScenarioVars } from '../../src/scenario/vars.js';
import { repoRoot } from '../_helpers/scenario-files.js';

const v = (expr: string) => `\${${expr}}`;

const lab = {
  appUrl: 'http://127.0.0.1:18080',
  targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/lab-web/1',
  db: { host: '127.0.0.1', port: 15432, database: 'app', user: 'app', caFile: '/run/lab/tls/ca.pem' },
  instances: [{ id: 'i-0001', az: 'lab-1a' }],
};

describe('variable syntax', () => {
  it('accepts env and lab references, and $${ as a literal', () => {
    expect(checkVarSyntax(`${v('env.PG_PASSWORD')}/${v('lab.instances[0].id')}/${v('lab.db.host')}`)).toEqual([]);
    expect(checkVarSyntax(`price: $${v('x')}`)).toEqual([]);
  });

  it('names what is wrong', () => {
    expect(checkVarSyntax(v('foo.bar'))[0]).toMatch(/invalid variable "\$\{foo\.bar\}": write \$\{env\.NAME\}/);
    expect(checkVarSyntax(v('env.1X'))).toHaveLength(1);
    expect(checkVarSyntax('${lab.db.host')[0]).toMatch(/unterminated variable/);
  });
});

describe('resolveScenarioVars', () => {
  it('substitutes lab and env values; a whole-value port becomes a number', () => {
    const { scenario } = loadScenarioFile(join(repoRoot, 'scenarios/lab/az-impairment.yaml'));
    const r = resolveScenarioVars(scenario, { env: { DRILLPROOF_LAB_DB_PASSWORD: 'pw' }, lab });
    const web = r.probes[0];
    const hb = r.probes[1];
    expect(web?.type === 'http' && web.url).toBe('http://127.0.0.1:18080/');
    expect(hb?.type === 'postgres-heartbeat' && hb.connection).toEqual({
      host: '127.0.0.1',
      port: 15432,
      database: 'app',
      user: 'app',
      password: { env: 'DRILLPROOF_LAB_DB_PASSWORD' },
      ssl: { mode: 'verify-full', ca: { file: '/run/lab/tls/ca.pem' } },
    });
    // The original is untouched (it is what gets signed).
    expect(scenario.probes[0]?.type === 'http' && scenario.probes[0].url).toBe(`${v('lab.appUrl')}/`);
  });

  it('turns env-provided ports into numbers and keeps literal $${', () => {
    const input = { probes: [{ port: v('env.PORT'), url: `http://h/${v('env.P')}?q=$${v('x')}` }] };
    expect(resolveScenarioVars(input, { env: { PORT: '5432', P: 'a' } })).toEqual({
      probes: [{ port: 5432, url: `http://h/a?q=${v('x')}` }],
    });
    expect(portNumber(5432)).toBe(5432);
    expect(() => portNumber(v('lab.db.port'))).toThrow(/not resolved/);
  });

  it('lists every unresolved variable in one user error', () => {
    const input = { a: v('env.MISSING'), b: [v('lab.db.nope')], c: { port: v('env.BADPORT') } };
    let err: unknown;
    try {
      resolveScenarioVars(input, { env: { BADPORT: 'http' }, lab });
    } catch (e) {
      err = e;
    }
    expect(DrillproofError.is(err)).toBe(true);
    const e = err as DrillproofError;
    expect(e.code).toBe('ScenarioVarUnresolved');
    expect(e.source).toBe('user');
    expect(e.problems.map((p) => [p.path, p.message])).toEqual([
      ['a', 'environment variable MISSING is not set'],
      ['b[0]', `the lab has no value for ${v('lab.db.nope')}`],
      ['c.port', 'port resolved to "http", which is not a port number (1-65535)'],
    ]);
  });

  it('resolves the optional lab services and says which lab up flag a missing one needs', () => {
    const withMysql = {
      ...lab,
      auroraMysql: { writer: { host: '127.0.0.1', port: 33061 } },
      dynamodb: { tableName: 'lab-app' },
    };
    expect(
      resolveScenarioVars(
        { port: v('lab.auroraMysql.writer.port'), t: v('lab.dynamodb.tableName') },
        { env: {}, lab: withMysql },
      ),
    ).toEqual({ port: 33061, t: 'lab-app' });
    let err: unknown;
    try {
      resolveScenarioVars({ vault: v('lab.backup.vaultName') }, { env: {}, lab });
    } catch (e) {
      err = e;
    }
    expect((err as DrillproofError).problems.map((p) => p.message)).toEqual([
      `${v('lab.backup.vaultName')} needs the lab's backup: start the lab with drillproof lab up --backup`,
    ]);
  });

  it('lab variables need the lab', () => {
    expect(() => resolveScenarioVars({ u: v('lab.appUrl') }, { env: {} })).toThrow(/could not be resolved/);
  });

  it('collectVars finds every variable with its path', () => {
    expect(collectVars({ a: [`x${v('env.A')}y${v('lab.b')}`], c: { d: v('lab.instances[2].id') } })).toEqual([
      { path: 'a[0]', expr: 'env.A' },
      { path: 'a[0]', expr: 'lab.b' },
      { path: 'c.d', expr: 'lab.instances[2].id' },
    ]);
  });
});
