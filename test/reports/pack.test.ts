import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEvidenceWriter, rerenderRunDir } from '../../src/reports/pack.js';
import { loadRunDir } from '../../src/reports/run-dir.js';
import { generateSigningKey, publicKeyPem } from '../../src/reports/signing/keys.js';
import { localSigner } from '../../src/reports/signing/signer.js';
import { verifyPack } from '../../src/reports/signing/verify-pack.js';
import { cleanupTempDirs, copyRun } from '../_helpers/evidence.js';

afterAll(cleanupTempDirs);

describe('createEvidenceWriter (the drill engine port)', () => {
  it('writes run.json and a signed pack from the run directory and returns its files', async () => {
    // GIVEN a run directory as the engine leaves it (no run.json yet) and the record in memory
    const dir = await copyRun('az-impairment-failed');
    const record = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    await rm(join(dir, 'run.json'));
    const keys = generateSigningKey('ecdsa-p256');
    const write = createEvidenceWriter({ signing: { signer: localSigner(keys.privateKey) } });
    // WHEN the engine calls the port
    const files = await write(dir, record);
    // THEN every document is there, signed, and the record can be read back
    expect(files).toEqual(
      expect.arrayContaining([
        'run.json',
        'evidence.json',
        'report.html',
        'report.md',
        'junit.xml',
        'evidence.sigstore.json',
        'VERIFY.md',
      ]),
    );
    expect((await loadRunDir(dir)).record.runId).toBe(record.runId);
    expect((await verifyPack({ dir, trustedKeyPem: publicKeyPem(keys.publicKey) })).ok).toBe(true);
  });
});

describe('rerenderRunDir', () => {
  it("re-renders a run directory that only has the engine's minimal evidence.json, keeping the record", async () => {
    const dir = await copyRun('ec2-stop-passed');
    const record = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'));
    await rm(join(dir, 'run.json'));
    await writeFile(
      join(dir, 'evidence.json'),
      JSON.stringify({ schemaVersion: 1, writtenAt: record.finishedAt, ...record }),
    );
    const r = await rerenderRunDir(dir);
    expect(r.evidence.run.id).toBe(record.runId);
    expect(r.evidence.headline.rto?.text).toBe('11.75s');
    await access(join(dir, 'run.json'));
    // The second render reads run.json and gives the same bytes.
    const again = await rerenderRunDir(dir);
    expect(again.changed).toEqual([]);
  });
});
