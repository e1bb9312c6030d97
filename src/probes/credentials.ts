import { readFile } from 'node:fs/promises';
import { defaultProbeAwsClients, type ProbeAwsClients } from '../aws/credential-clients.js';
import { DrillproofError } from '../errors.js';
import { registerSecret } from '../util/secrets.js';
import type { DbConnectionConfig } from './config.js';

export interface CredentialContext {
  env: NodeJS.ProcessEnv;
  aws?: ProbeAwsClients;
}

/** RDS IAM tokens live 15 minutes; a new connection after 10 gets a fresh one. */
const IAM_TOKEN_REUSE_MS = 10 * 60_000;

/**
 * Returns a function giving the password for a new connection. Static sources are read once;
 * RDS IAM auth tokens are re-signed when older than 10 minutes. Secrets never leave this function
 * except into the database driver.
 */
export function passwordProvider(
  conn: Pick<DbConnectionConfig, 'host' | 'port' | 'user' | 'password'>,
  ctx: CredentialContext,
): () => Promise<string | undefined> {
  const read = readPassword(conn, ctx);
  // Registered when read, so every writer masks it wherever it turns up.
  return async () => {
    const v = await read();
    registerSecret(v);
    return v;
  };
}

function readPassword(
  conn: Pick<DbConnectionConfig, 'host' | 'port' | 'user' | 'password'>,
  ctx: CredentialContext,
): () => Promise<string | undefined> {
  const src = conn.password;
  const aws = ctx.aws ?? defaultProbeAwsClients;
  switch (src.type) {
    case 'none':
      return async () => undefined;
    case 'literal':
      return async () => src.value;
    case 'env':
      return once(async () => {
        const v = ctx.env[src.name];
        if (v === undefined) {
          throw DrillproofError.user('CredentialMissing', `environment variable ${src.name} is not set`, {
            hint: `export ${src.name}=<database password> or change connection.password`,
          });
        }
        return v;
      });
    case 'file':
      return once(async () => {
        try {
          return (await readFile(src.path, 'utf8')).replace(/\r?\n$/, '');
        } catch (cause) {
          throw DrillproofError.user('CredentialMissing', `cannot read password file ${src.path}`, {
            cause,
            hint: 'point connection.password.file at a readable file holding only the password',
          });
        }
      });
    case 'secretsManager':
      return once(async () => {
        const client = aws.secretsManager({
          ...(src.region ? { region: src.region } : {}),
          ...(src.endpoint ? { endpoint: src.endpoint } : {}),
        });
        let secret: string | undefined;
        try {
          const out = await client.getSecretValue({ SecretId: src.secretId });
          secret = out.SecretString;
        } catch (cause) {
          throw DrillproofError.aws(
            'CredentialUnavailable',
            `cannot read secret ${src.secretId} from secrets manager`,
            {
              cause,
              hint: 'check the secret ARN, the region and secretsmanager:GetSecretValue permission',
            },
          );
        } finally {
          client.destroy();
        }
        if (secret === undefined) {
          throw DrillproofError.user('CredentialUnavailable', `secret ${src.secretId} has no SecretString`, {
            hint: 'store the password (or a JSON object with it) as a string secret',
          });
        }
        const key = src.key;
        if (key === undefined) return secret;
        let obj: unknown;
        try {
          obj = JSON.parse(secret);
        } catch {
          obj = undefined;
        }
        const v = (obj as Record<string, unknown> | undefined)?.[key];
        if (typeof v !== 'string') {
          throw DrillproofError.user('CredentialUnavailable', `secret ${src.secretId} has no string field "${key}"`, {
            hint: 'set connection.password.key to the JSON field holding the password (RDS secrets use "password")',
          });
        }
        return v;
      });
    case 'rdsIamAuth': {
      let token: string | undefined;
      let at = 0;
      return async () => {
        if (token !== undefined && Date.now() - at < IAM_TOKEN_REUSE_MS) return token;
        const signer = aws.rdsSigner({
          hostname: conn.host,
          port: conn.port,
          username: conn.user,
          ...(src.region ? { region: src.region } : {}),
          ...(src.endpoint ? { endpoint: src.endpoint } : {}),
        });
        try {
          token = await signer.getAuthToken();
        } catch (cause) {
          throw DrillproofError.aws('CredentialUnavailable', `cannot create an rds iam auth token for ${conn.user}`, {
            cause,
            hint: 'check the region, the AWS credentials and rds-db:connect permission',
          });
        }
        at = Date.now();
        return token;
      };
    }
  }
}

function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= f().catch((err) => {
      p = undefined;
      throw err;
    });
    return p;
  };
}
