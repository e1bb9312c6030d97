import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The FIS Lambda extension layer, as AWS publishes it (account 211125607513 in us-east-1). */
export const FIS_EXTENSION_LAYER_PREFIX = 'arn:aws:lambda:us-east-1:211125607513:layer:aws-fis-extension-';
export const FIS_EXTENSION_LAYER_ARN = `${FIS_EXTENSION_LAYER_PREFIX}x86_64:9`;
export const FIS_EXEC_WRAPPER = '/opt/aws-fis/bootstrap';

export type LambdaFaultAction =
  | 'aws:lambda:invocation-error'
  | 'aws:lambda:invocation-add-delay'
  | 'aws:lambda:invocation-http-integration-response';

/** One fault configuration FIS writes to the function's S3 configuration location. */
export interface FisFaultConfig {
  actionId: LambdaFaultAction;
  functionArn: string;
  /** `$LATEST`, a version or an alias; absent = every version. */
  qualifier?: string;
  invocationPercentage: number;
  preventExecution: boolean;
  startupDelayMilliseconds?: number;
  statusCode?: number;
  contentTypeHeader?: string;
  /** Epoch ms: the extension ignores a configuration past its experiment's end. */
  expiresAt: number;
}

/** `arn:aws:s3:::bucket/prefix/` → the lab's S3 folder for it; undefined when not an S3 ARN. */
export function s3LocationDir(s3Root: string, location: string | undefined): string | undefined {
  const m = /^arn:aws:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(location ?? '');
  if (!m) return undefined;
  const prefix = (m[2] ?? '').split('/').filter((p) => p && p !== '.' && p !== '..');
  return join(s3Root, m[1] as string, ...prefix);
}

/** Whether the layer list carries the FIS extension (what puts /opt/aws-fis/bootstrap in place). */
export function hasFisLayer(layers: string[]): boolean {
  return layers.some((l) => l.startsWith(FIS_EXTENSION_LAYER_PREFIX));
}

/** FIS side: writes a configuration object; returns the file so the action can remove it. */
export function writeFaultConfig(dir: string, name: string, cfg: FisFaultConfig): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(cfg));
  return file;
}

export function removeFaultConfig(file: string): void {
  rmSync(file, { force: true });
}

/** Extension side: the configurations for this function now (unreadable or expired ones are skipped). */
export function readFaultConfigs(
  dir: string,
  functionArn: string,
  version: string,
  now = Date.now(),
): FisFaultConfig[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: FisFaultConfig[] = [];
  for (const n of names) {
    try {
      const c = JSON.parse(readFileSync(join(dir, n), 'utf8')) as FisFaultConfig;
      if (c.functionArn !== functionArn || c.expiresAt <= now) continue;
      if (c.qualifier !== undefined && c.qualifier !== version) continue;
      out.push(c);
    } catch {
      // Half-written or removed between listing and reading.
    }
  }
  return out;
}
