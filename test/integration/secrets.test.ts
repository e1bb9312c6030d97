// biome-ignore-all lint/suspicious/noTemplateCurlyInString: scenario variables are literal text in this test

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { signPack } from '../../src/reports/signing/sign-pack.js';
import { localSigner } from '../../src/reports/signing/signer.js';
import { runCli } from '../_helpers/cli.js';
import { useLab } from '../_helpers/lab.js';

/**
 * Distinct secrets planted through every input path a lab drill offers (probe headers from the
 * environment, the database password from the environment and from a file, exec env and output,
 * http fault headers on inject and inverse, AWS keys and a session token in the environment) never
 * reach any byte drillproof writes: every file of the run directory (gzipped samples unpacked)
 * and the console. A pack still holding one is not signed. (The lab has no Secrets Manager.)
 */
const lab = useLab({ aurora: false });

const PLANTED = {
  PLANT_PROBE_BEARER: 'probe-bearer-7c1e9a4b52',
  PLANT_PROBE_APIKEY: 'probe-apikey-3f8d20c6e1',
  PLANT_EXEC_TOKEN: 'exec-token-a9b8c7d6e5',
  PLANT_HTTP_TOKEN: 'http-token-5e4d3c2b1a',
  PLANT_HTTP_INVERSE_TOKEN: 'http-inverse-0f1e2d3c4b',
  AWS_SECRET_ACCESS_KEY: 'aws-secret-key-8a7b6c5d4e3f',
  AWS_SESSION_TOKEN: 'aws-session-token-1a2b3c4d5e6f',
};

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

function hits(text: string, values: string[]): string[] {
  return values.filter((v) => text.includes(v) || text.includes(encodeURIComponent(v)));
}

describe('secrets never leave the process', { timeout: 240_000 }, () => {
  it('a drill with secrets planted through every input path writes none of them anywhere', async () => {
    const info = lab.info();
    const dir = mkdtempSync(join(tmpdir(), 'dp-secrets-'));
    writeFileSync(join(dir, 'db-password.txt'), `${info.db.password}\n`);
    const conn = (password: unknown) => ({
      host: '${lab.db.host}',
      port: '${lab.db.port}',
      database: '${lab.db.database}',
      user: '${lab.db.user}',
      password,
      ssl: { mode: 'verify-full', ca: { file: '${lab.db.caFile}' } },
    });
    const scenario = {
      version: 1,
      metadata: { name: 'secret-planting' },
      target: { provider: 'lab', region: 'us-east-1', allowedAccounts: ['000000000000'] },
      resources: {},
      probes: [
        {
          name: 'web',
          type: 'http',
          url: '${lab.appUrl}/',
          rate: '10/s',
          timeout: '2s',
          headers: { Authorization: 'Bearer ${env.PLANT_PROBE_BEARER}', 'X-Api-Key': '${env.PLANT_PROBE_APIKEY}' },
        },
        {
          name: 'hb-env',
          type: 'postgres-heartbeat',
          interval: '500ms',
          timeout: '2s',
          connection: conn({ env: 'DRILLPROOF_LAB_DB_PASSWORD' }),
        },
        {
          name: 'hb-file',
          type: 'postgres-heartbeat',
          table: 'heartbeat_file',
          interval: '500ms',
          timeout: '2s',
          connection: conn({ file: 'db-password.txt' }),
        },
      ],
      steps: {
        baseline: '3s',
        faults: [
          {
            id: 'leaky-command',
            type: 'exec',
            // The worst a command can do: print every credential it was given.
            command: [
              'sh',
              '-c',
              'echo "tok=$API_TOKEN key=$AWS_SECRET_ACCESS_KEY sess=$AWS_SESSION_TOKEN"; echo "$API_TOKEN" >&2',
            ],
            env: { API_TOKEN: '${env.PLANT_EXEC_TOKEN}' },
            inverse: ['sh', '-c', 'echo "undo with $API_TOKEN"'],
          },
          {
            id: 'flag',
            type: 'http',
            url: '${lab.appUrl}/',
            method: 'GET',
            headers: { Authorization: 'Bearer ${env.PLANT_HTTP_TOKEN}' },
            inverse: {
              url: '${lab.appUrl}/',
              method: 'GET',
              headers: { 'X-Auth-Token': '${env.PLANT_HTTP_INVERSE_TOKEN}' },
            },
          },
        ],
        observe: { timeout: '20s', recovery: { probes: ['web'], hold: '1s' } },
      },
      evidence: { dir: 'runs' },
    };
    const file = join(dir, 'secret-planting.yaml');
    writeFileSync(file, stringify(scenario));
    const out = join(dir, 'run');
    const env = { ...process.env, ...PLANTED, DRILLPROOF_LAB_DB_PASSWORD: info.db.password };
    const r = await runCli(['run', file, '--lab', lab.dir(), '--out', out, '--yes'], env);
    const secrets = [...Object.values(PLANTED), info.db.password];

    expect(r.code, r.stderr).toBe(0);
    const files = allFiles(out);
    expect(files.some((f) => f.endsWith('.ndjson.gz'))).toBe(true);
    expect(files.some((f) => f.endsWith('journal.ndjson'))).toBe(true);
    const leaks = files.flatMap((f) => {
      const bytes = readFileSync(f);
      const text = (f.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
      return hits(text, secrets).map((v) => `${f}: ${v}`);
    });
    expect(leaks).toEqual([]);
    expect(hits(r.stdout + r.stderr, secrets)).toEqual([]);
    // The exec step's output reached the journal, masked: the test would find a leak there.
    expect(readFileSync(join(out, 'journal.ndjson'), 'utf8')).toContain('tok=[REDACTED]');

    // A pack into which a planted value is put back cannot be signed.
    writeFileSync(join(out, 'notes.html'), `<p>${PLANTED.PLANT_EXEC_TOKEN}</p>`);
    const { privateKey } = generateKeyPairSync('ed25519');
    await expect(signPack({ dir: out, signer: localSigner(privateKey) })).rejects.toMatchObject({
      code: 'PackHoldsSecret',
    });
  });
});
