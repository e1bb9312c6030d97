import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/experiments/load.js';
import { loadScenarioProbes } from '../../src/experiments/probe-scenario.js';
import { objectivesFromScenario } from '../../src/measurements/objectives.js';
import { probeConfigsFromScenario } from '../../src/probes/scenario-config.js';

const FIXTURE = resolve(import.meta.dirname, '../_fixtures/measure/scenario-every-probe-kind.yaml');
const env = { DP_TEST_URL: 'http://127.0.0.1:8080/health', DP_TEST_PORT: '6543' };

describe('scenario probes → runtime configs', () => {
  it('maps every probe kind with durations in ms, rate as interval and defaults applied', async () => {
    const probes = await loadScenarioProbes(FIXTURE, env);
    expect(probes).toEqual([
      {
        name: 'web',
        kind: 'http',
        intervalMs: 50,
        timeoutMs: 1500,
        recoveryWindowMs: 3000,
        maxInFlight: 50,
        url: 'http://127.0.0.1:8080/health',
        method: 'POST',
        headers: { 'x-test': '1' },
        body: 'ping',
        expect: { status: [200, 204], bodyContains: 'ok', bodyMatches: 'o+k', headers: { 'x-ok': 'yes' } },
        connection: 'fresh',
        backendHeader: 'x-backend',
      },
      {
        name: 'db-tcp',
        kind: 'tcp',
        intervalMs: 500,
        timeoutMs: 1000,
        maxInFlight: 11,
        host: 'db.internal',
        port: 5432,
      },
      {
        name: 'db-dns',
        kind: 'dns',
        intervalMs: 1000,
        timeoutMs: 2000,
        maxInFlight: 11,
        hostname: 'db.internal',
        recordType: 'A',
      },
      {
        name: 'heartbeat',
        kind: 'postgres-heartbeat',
        intervalMs: 200,
        timeoutMs: 2000,
        maxInFlight: 20,
        schema: 'drillproof',
        table: 'heartbeat',
        connectTimeoutMs: 2000,
        connection: {
          host: 'db.internal',
          port: 6543,
          database: 'shop',
          user: 'drill',
          password: { type: 'file', path: resolve(import.meta.dirname, '../_fixtures/measure/secret.txt') },
          ssl: 'verify-full',
        },
      },
      {
        name: 'heartbeat-my',
        kind: 'mysql-heartbeat',
        intervalMs: 250,
        timeoutMs: 2000,
        maxInFlight: 18,
        schema: 'drillproof',
        table: 'heartbeat',
        connectTimeoutMs: 2000,
        connection: {
          host: 'db.internal',
          port: 3306,
          database: 'shop',
          user: 'drill',
          password: {
            type: 'secretsManager',
            secretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db',
            key: 'password',
            region: 'eu-west-1',
          },
          ssl: 'require',
        },
      },
    ]);
  });

  it('names an unset environment variable', async () => {
    await expect(loadScenarioProbes(FIXTURE, {})).rejects.toMatchObject({ code: 'ScenarioVarUnresolved' });
  });

  it('re-validates loosely typed probe entries and names every problem with its path', () => {
    expect(() =>
      probeConfigsFromScenario({ probes: [{ name: 'x', type: 'http', url: 'http://a/', rate: 'fast' }] }),
    ).toThrow(
      expect.objectContaining({
        code: 'ProbeConfigInvalid',
        problems: [expect.objectContaining({ path: 'probes[0].rate' })],
      }),
    );
  });

  it('maps objectives to one bound per latency statistic, ratios and ms', () => {
    const { scenario } = loadScenarioFile(FIXTURE);
    expect(objectivesFromScenario(scenario.objectives)).toEqual({
      rtoMs: 60_000,
      rpoMs: 0,
      latency: [
        { probe: 'web', phase: 'fault', percentile: 95, maxMs: 800, flavour: 'withFailures' },
        { probe: 'web', phase: 'fault', percentile: 99, maxMs: 1000, flavour: 'withFailures' },
        { probe: 'web', phase: 'recovery', percentile: 'max', maxMs: 2000, flavour: 'okOnly' },
      ],
      availability: [{ probe: 'web', phase: 'all', min: 0.995 }],
      maxErrorRate: [{ probe: 'web', phase: 'fault', max: 0.05 }],
    });
  });
});
