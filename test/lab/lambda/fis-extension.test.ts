import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FIS_EXTENSION_LAYER_ARN,
  type FisFaultConfig,
  hasFisLayer,
  readFaultConfigs,
  s3LocationDir,
  writeFaultConfig,
} from '../../../src/lab/lambda/fis-extension.js';

const arn = 'arn:aws:lambda:us-east-1:000000000000:function:lab-orders';
const cfg = (over: Partial<FisFaultConfig> = {}): FisFaultConfig => ({
  actionId: 'aws:lambda:invocation-error',
  functionArn: arn,
  invocationPercentage: 100,
  preventExecution: true,
  expiresAt: 2_000,
  ...over,
});

describe('the lab FIS Lambda extension', () => {
  it('maps an S3 configuration location ARN to a folder, refusing anything else', () => {
    expect(s3LocationDir('/s3', 'arn:aws:s3:::lab-fis-config/FisConfigs/')).toBe('/s3/lab-fis-config/FisConfigs');
    expect(s3LocationDir('/s3', 'arn:aws:s3:::bucket')).toBe('/s3/bucket');
    expect(s3LocationDir('/s3', 'arn:aws:s3:::bucket/../../etc/')).toBe('/s3/bucket/etc');
    expect(s3LocationDir('/s3', 's3://bucket/prefix')).toBeUndefined();
    expect(s3LocationDir('/s3', undefined)).toBeUndefined();
  });

  it('is active only with the aws-fis-extension layer', () => {
    expect(hasFisLayer([FIS_EXTENSION_LAYER_ARN])).toBe(true);
    expect(hasFisLayer(['arn:aws:lambda:us-east-1:000000000000:layer:other:1'])).toBe(false);
    expect(hasFisLayer([])).toBe(false);
  });

  it('reads the configurations of its function and qualifier that have not expired', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dp-fis-'));
    writeFaultConfig(dir, 'a', cfg());
    writeFaultConfig(dir, 'b', cfg({ functionArn: `${arn}-other` }));
    writeFaultConfig(dir, 'c', cfg({ expiresAt: 500 }));
    writeFaultConfig(dir, 'd', cfg({ qualifier: 'live' }));
    writeFaultConfig(dir, 'e', cfg({ qualifier: '$LATEST', actionId: 'aws:lambda:invocation-add-delay' }));
    writeFileSync(join(dir, 'torn.json'), '{"actionId":');
    const got = readFaultConfigs(dir, arn, '$LATEST', 1_000);
    expect(got.map((c) => c.actionId).sort()).toEqual([
      'aws:lambda:invocation-add-delay',
      'aws:lambda:invocation-error',
    ]);
    expect(readFaultConfigs(join(dir, 'missing'), arn, '$LATEST', 1_000)).toEqual([]);
  });
});
