import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Signer } from '@aws-sdk/rds-signer';
import { translateAwsError } from './errors.js';

/**
 * The AWS clients the probes need for credentials (Secrets Manager for passwords, the RDS IAM
 * token signer), built here like every other SDK client: AWS errors are translated into
 * DrillproofErrors that name the IAM action to add.
 */
export interface AwsClientOptions {
  region?: string;
  /** Custom endpoint (the local lab); also read by the SDK from AWS_ENDPOINT_URL. */
  endpoint?: string;
  profile?: string;
}

export interface SecretsApi {
  getSecretValue(i: { SecretId: string }): Promise<{ SecretString?: string | undefined }>;
  destroy(): void;
}

export interface ProbeAwsClients {
  secretsManager(opts: AwsClientOptions): SecretsApi;
  rdsSigner(opts: AwsClientOptions & { hostname: string; port: number; username: string }): {
    getAuthToken(): Promise<string>;
  };
}

export const defaultProbeAwsClients: ProbeAwsClients = {
  secretsManager: (opts) => {
    const client = new SecretsManagerClient({
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
    });
    return {
      async getSecretValue(i) {
        try {
          return await client.send(new GetSecretValueCommand(i));
        } catch (err) {
          throw translateAwsError(err, {
            service: 'secretsmanager',
            operation: 'GetSecretValue',
            region: opts.region ?? 'default',
            ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
          });
        }
      },
      destroy: () => client.destroy(),
    };
  },
  rdsSigner: (opts) =>
    new Signer({
      hostname: opts.hostname,
      port: opts.port,
      username: opts.username,
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
    }),
};
