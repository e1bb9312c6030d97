import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Signer } from '@aws-sdk/rds-signer';

/**
 * The AWS clients the probes need (Secrets Manager for passwords, the RDS IAM token signer).
 * Kept in one small factory so that it can move next to the drill engine's client factory.
 */
export interface AwsClientOptions {
  region?: string;
  /** Custom endpoint (the local lab); also read by the SDK from AWS_ENDPOINT_URL. */
  endpoint?: string;
  profile?: string;
}

export interface ProbeAwsClients {
  secretsManager(opts: AwsClientOptions): SecretsManagerClient;
  rdsSigner(opts: AwsClientOptions & { hostname: string; port: number; username: string }): {
    getAuthToken(): Promise<string>;
  };
}

export const defaultProbeAwsClients: ProbeAwsClients = {
  secretsManager: (opts) =>
    new SecretsManagerClient({
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
    }),
  rdsSigner: (opts) =>
    new Signer({
      hostname: opts.hostname,
      port: opts.port,
      username: opts.username,
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
    }),
};
