import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingSink } from '../../src/io/messages.js';
import { writeEvidencePack } from '../../src/reports/pack.js';
import { findSecrets, REDACTED, redactText, redactValue } from '../../src/reports/redact.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import { generateSigningKey } from '../../src/reports/signing/keys.js';
import { listPackFiles } from '../../src/reports/signing/pack-files.js';
import { localSigner } from '../../src/reports/signing/signer.js';
import { verifyPack } from '../../src/reports/signing/verify-pack.js';
import { cleanupTempDirs, copyRun } from '../_helpers/evidence.js';

afterAll(cleanupTempDirs);

describe('redactText', () => {
  it.each([
    ['postgres://app:s3cr3t-Pa55@db.example.com:5432/shop', 'postgres://app:[REDACTED]@db.example.com:5432/shop'],
    ['host=db user=app password=s3cr3t-Pa55 dbname=shop', 'host=db user=app password=[REDACTED] dbname=shop'],
    ['"password":"s3cr3t-Pa55"', '"password":"[REDACTED]"'],
    ['  password: s3cr3t-Pa55', '  password: [REDACTED]'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = [REDACTED]'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'key [REDACTED] used'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', 'Authorization: Bearer [REDACTED]'],
    [
      'shop-db:5432/?Action=connect&DBUser=app&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr&X-Amz-Signature=abc123',
      'shop-db:5432/?Action=connect&DBUser=app&X-Amz-Security-Token=[REDACTED]&X-Amz-Signature=[REDACTED]',
    ],
  ])('redacts %s', (input, output) => {
    expect(redactText(input).text).toBe(output);
    expect(redactText(output).total).toBe(0);
  });

  it('keeps references to secrets, which are not secrets', () => {
    for (const kept of [
      'password: { env: PGPASSWORD }',
      'password: {secretsManager: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db", key: password}',
      '"keyHint": "8d3ee79364157f0f"',
      '"nextToken": null',
      'https://shop.example.com/health',
    ])
      expect(redactText(kept).text).toBe(kept);
  });

  it('redacts values under secret-named keys in objects', () => {
    expect(redactValue({ params: { MasterUserPassword: 'hunter22', DBInstanceIdentifier: 'shop-db' } })).toEqual({
      params: { MasterUserPassword: REDACTED, DBInstanceIdentifier: 'shop-db' },
    });
  });
});

describe('a pack never holds a secret', () => {
  it('redacts secrets that reached the journal, samples and scenario before signing', async () => {
    // GIVEN a run whose files carry secrets (an error message with a connection string, an AWS call
    // with a password parameter, an access key in a note, a literal password in the scenario)
    const dir = await copyRun('az-impairment-failed');
    const secrets = [
      'Sup3r-Secret-Pw',
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'IQoJb3JpZ2luX2VjEJrsessiontoken',
    ];
    const journalPath = join(dir, 'journal.ndjson');
    const lines = (await readFile(journalPath, 'utf8')).trimEnd().split('\n');
    const last = JSON.parse(lines[lines.length - 1] as string);
    const extra = [
      {
        kind: 'aws.call',
        data: {
          service: 'rds',
          operation: 'ModifyDBInstance',
          requestId: 'r-1',
          ok: true,
          params: { MasterUserPassword: secrets[0] },
        },
      },
      {
        kind: 'note',
        data: { message: `exported AWS_ACCESS_KEY_ID=${secrets[1]} AWS_SECRET_ACCESS_KEY=${secrets[2]}` },
      },
      { kind: 'note', data: { message: `x-amz-security-token: ${secrets[3]}` } },
      {
        kind: 'fault.failed',
        data: { stepId: 'x', error: `connect postgres://drill:${secrets[0]}@shop-db:5432/shop failed` },
      },
    ].map((e, i) => JSON.stringify({ seq: last.seq + 1 + i, time: last.time, t: last.t, ...e }));
    await writeFile(journalPath, `${[...lines, ...extra].join('\n')}\n`);
    const webPath = join(dir, 'samples/web.ndjson');
    const web = (await readFile(webPath, 'utf8')).replace(
      '"error":"timeout"',
      `"error":"timeout","detail":"GET https://admin:${secrets[0]}@shop.example.com/health timed out"`,
    );
    await writeFile(`${webPath}.gz`, gzipSync(Buffer.from(web)));
    await writeFile(webPath, '');
    const { rm } = await import('node:fs/promises');
    await rm(webPath);
    await writeFile(
      join(dir, 'scenario.yaml'),
      `${await readFile(join(dir, 'scenario.yaml'), 'utf8')}# password: ${secrets[0]}\n`,
    );
    const run = await loadRunDir(dir);
    run.record.scenario.text += `# password: ${secrets[0]}\n`;
    run.record.reason = `aborted while using token=${secrets[3]}`;

    // WHEN the pack is written and signed
    const sink = new RecordingSink();
    const keys = generateSigningKey('ecdsa-p256');
    await writeEvidencePack({
      runDir: dir,
      record: run.record,
      journal: run.journal,
      signing: { signer: localSigner(keys.privateKey) },
      sink,
    });

    // THEN no file of the pack holds any of the secrets, the scan finds nothing, and the pack verifies
    const files = await listPackFiles(dir);
    expect(files).toContain('samples/web.ndjson.gz');
    for (const f of files) {
      const raw = await readFile(join(dir, f));
      const text = f.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
      for (const s of secrets) expect(text.includes(s), `${s} in ${f}`).toBe(false);
      expect(findSecrets(text), f).toEqual([]);
    }
    expect(sink.codes()).toContain('DP_EVID_W0001');
    // Redaction kept every journal line valid JSON, with the secret value blanked in place.
    const journal = (await readFile(join(dir, 'journal.ndjson'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(journal.find((e) => e.data.operation === 'ModifyDBInstance')?.data.params).toEqual({
      MasterUserPassword: REDACTED,
    });
    const evidence = await readFile(join(dir, 'evidence.json'), 'utf8');
    expect(evidence).toContain('"redacted": true');
    expect(evidence).toContain(`token=${REDACTED}`);
    expect((await verifyPack({ dir })).ok).toBe(true);
  });
});
