import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultProbeAwsClients, type ProbeAwsClients } from '../../src/aws/credential-clients.js';
import type { CredentialSource, DbConnectionConfig } from '../../src/probes/config.js';
import { passwordProvider } from '../../src/probes/credentials.js';

const conn = (password: CredentialSource): DbConnectionConfig => ({
  host: 'db.internal',
  port: 5432,
  database: 'shop',
  user: 'drill',
  password,
  ssl: 'require',
});

const sm = mockClient(SecretsManagerClient);
afterEach(() => sm.reset());

describe('database password sources', () => {
  it('reads env and file sources', async () => {
    expect(await passwordProvider(conn({ type: 'env', name: 'PGPW' }), { env: { PGPW: 's3cret' } })()).toBe('s3cret');
    await expect(passwordProvider(conn({ type: 'env', name: 'PGPW' }), { env: {} })()).rejects.toMatchObject({
      code: 'CredentialMissing',
      source: 'user',
    });
    const dir = mkdtempSync(join(tmpdir(), 'dp-cred-'));
    writeFileSync(join(dir, 'pw'), 'from-file\n');
    expect(await passwordProvider(conn({ type: 'file', path: join(dir, 'pw') }), { env: {} })()).toBe('from-file');
    await expect(
      passwordProvider(conn({ type: 'file', path: join(dir, 'nope') }), { env: {} })(),
    ).rejects.toMatchObject({
      code: 'CredentialMissing',
    });
  });

  it('reads a JSON field of a Secrets Manager secret, once', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'arn:db' }).resolves({
      SecretString: '{"username":"drill","password":"pw-1"}',
    });
    const get = passwordProvider(
      conn({ type: 'secretsManager', secretId: 'arn:db', key: 'password', region: 'eu-west-1' }),
      {
        env: {},
        aws: defaultProbeAwsClients,
      },
    );
    expect(await get()).toBe('pw-1');
    expect(await get()).toBe('pw-1');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    const plain = passwordProvider(conn({ type: 'secretsManager', secretId: 'arn:db', region: 'eu-west-1' }), {
      env: {},
    });
    expect(await plain()).toBe('{"username":"drill","password":"pw-1"}');
  });

  it('names a missing key and an access error', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'arn:db' }).resolves({ SecretString: '{"user":"x"}' });
    await expect(
      passwordProvider(conn({ type: 'secretsManager', secretId: 'arn:db', key: 'password', region: 'eu-west-1' }), {
        env: {},
      })(),
    ).rejects.toMatchObject({ code: 'CredentialUnavailable', message: expect.stringContaining('"password"') });
    sm.on(GetSecretValueCommand, { SecretId: 'arn:denied' }).rejects(
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
    );
    await expect(
      passwordProvider(conn({ type: 'secretsManager', secretId: 'arn:denied', region: 'eu-west-1' }), { env: {} })(),
    ).rejects.toMatchObject({ code: 'CredentialUnavailable', source: 'aws' });
  });

  it('signs an RDS IAM token for host, port and user, and reuses it for new connections', async () => {
    const calls: unknown[] = [];
    const aws: ProbeAwsClients = {
      ...defaultProbeAwsClients,
      rdsSigner: (o) => {
        calls.push(o);
        return { getAuthToken: async () => `token-${calls.length}` };
      },
    };
    const get = passwordProvider(conn({ type: 'rdsIamAuth', region: 'eu-west-1' }), { env: {}, aws });
    expect(await get()).toBe('token-1');
    expect(await get()).toBe('token-1');
    expect(calls).toEqual([{ hostname: 'db.internal', port: 5432, username: 'drill', region: 'eu-west-1' }]);
  });

  it('the real RDS signer produces a presigned connect token without any network call', async () => {
    const signer = defaultProbeAwsClients.rdsSigner({
      hostname: 'db.example',
      port: 5432,
      username: 'drill',
      region: 'eu-west-1',
    });
    const prev = { ...process.env };
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    try {
      const token = await signer.getAuthToken();
      expect(token).toMatch(/^db\.example:5432\/\?Action=connect&DBUser=drill&X-Amz-Algorithm=AWS4-HMAC-SHA256/);
    } finally {
      process.env = prev;
    }
  });
});
