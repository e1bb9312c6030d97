import { EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { FisClient, StartExperimentCommand } from '@aws-sdk/client-fis';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsCallRecord } from '../../src/aws/call-record.js';
import { redactParams } from '../../src/aws/call-record.js';
import { createAwsApis } from '../../src/aws/clients.js';
import { translateAwsError } from '../../src/aws/errors.js';
import { DrillproofError } from '../../src/errors.js';

/** An SDK v3 service exception as the clients throw it (name = AWS error code). */
function awsError(name: string, fault: 'client' | 'server', requestId = 'rid-1', message = `${name} happened`) {
  return Object.assign(new Error(message), {
    name,
    $fault: fault,
    $metadata: { httpStatusCode: 400, requestId, attempts: 3 },
  });
}

const target = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };

describe('createAwsApis (error paths the lab cannot produce)', () => {
  const ec2 = mockClient(EC2Client);
  const sts = mockClient(STSClient);
  // client-fis is an older SDK line whose types differ from the mock's; the runtime is the same.
  const fis = mockClient(FisClient as unknown as typeof STSClient);
  afterEach(() => {
    ec2.reset();
    sts.reset();
    fis.reset();
  });

  it('turns UnauthorizedOperation into AwsAccessDenied naming the IAM action, and records the call', async () => {
    ec2.on(StopInstancesCommand).rejects(awsError('UnauthorizedOperation', 'client', 'rid-42'));
    const calls: AwsCallRecord[] = [];
    const aws = createAwsApis(target, (r) => calls.push(r));
    const err = await aws.ec2.stopInstances({ InstanceIds: ['i-1'] }).catch((e: unknown) => e);
    expect(DrillproofError.is(err)).toBe(true);
    const e = err as DrillproofError;
    expect(e.code).toBe('AwsAccessDenied');
    expect(e.source).toBe('user');
    expect(e.hint).toContain('ec2:StopInstances');
    expect(e.details).toMatchObject({
      awsCode: 'UnauthorizedOperation',
      requestId: 'rid-42',
      iamAction: 'ec2:StopInstances',
    });
    expect(calls).toEqual([
      expect.objectContaining({
        service: 'ec2',
        operation: 'StopInstances',
        requestId: 'rid-42',
        ok: false,
        errorCode: 'UnauthorizedOperation',
        attempts: 3,
        params: { InstanceIds: ['i-1'] },
      }),
    ]);
  });

  it('reports DryRunOperation as an allowed permission check (ok in the record)', async () => {
    ec2.on(StopInstancesCommand).rejects(awsError('DryRunOperation', 'client'));
    const calls: AwsCallRecord[] = [];
    const aws = createAwsApis(target, (r) => calls.push(r));
    const err = (await aws.ec2
      .stopInstances({ InstanceIds: ['i-1'], DryRun: true })
      .catch((e: unknown) => e)) as DrillproofError;
    expect(err.code).toBe('AwsDryRunOk');
    expect(calls[0]).toMatchObject({ ok: true, errorCode: 'DryRunOperation' });
  });

  it('names the login command for expired SSO credentials', async () => {
    sts.on(GetCallerIdentityCommand).rejects(awsError('ExpiredTokenException', 'client'));
    const aws = createAwsApis({ ...target, profile: 'prod-sso' });
    const err = (await aws.sts.getCallerIdentity({}).catch((e: unknown) => e)) as DrillproofError;
    expect(err.code).toBe('AwsCredentials');
    expect(err.hint).toContain('aws sso login --profile prod-sso');
  });

  it('reports throttling that outlasted the retries as AwsThrottled', async () => {
    fis
      .on(StartExperimentCommand as unknown as typeof GetCallerIdentityCommand)
      .rejects(awsError('ThrottlingException', 'client'));
    const aws = createAwsApis(target);
    const err = (await aws.fis
      .startExperiment({ experimentTemplateId: 'EXT1', clientToken: 't' })
      .catch((e: unknown) => e)) as DrillproofError;
    expect(err.code).toBe('AwsThrottled');
    expect(err.source).toBe('aws');
  });

  it('returns the response and records the request id of a successful call', async () => {
    sts.on(GetCallerIdentityCommand).resolves({
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/x',
      $metadata: { requestId: 'rid-ok', attempts: 1 },
    });
    const calls: AwsCallRecord[] = [];
    const aws = createAwsApis(target, (r) => calls.push(r));
    expect((await aws.sts.getCallerIdentity({})).Account).toBe('123456789012');
    expect(calls[0]).toMatchObject({ service: 'sts', operation: 'GetCallerIdentity', requestId: 'rid-ok', ok: true });
  });

  it('a throwing recorder never changes the outcome of a call', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '1', $metadata: {} });
    const aws = createAwsApis(target, () => {
      throw new Error('disk full');
    });
    expect((await aws.sts.getCallerIdentity({})).Account).toBe('1');
  });
});

describe('translateAwsError', () => {
  const ctx = { service: 'rds', operation: 'RebootDBInstance', region: 'us-east-1' };
  it('maps not-found faults to a user error with the region', () => {
    const e = translateAwsError(awsError('DBInstanceNotFoundFault', 'client'), ctx);
    expect(e.code).toBe('AwsResourceNotFound');
    expect(e.message).toContain('us-east-1');
  });
  it('names the endpoint when it cannot be reached', () => {
    const e = translateAwsError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), {
      ...ctx,
      endpoint: 'http://127.0.0.1:4566',
    });
    expect(e.code).toBe('AwsUnreachable');
    expect(e.hint).toContain('http://127.0.0.1:4566');
  });
  it('keeps AWS-side failures as aws errors with the request id', () => {
    const e = translateAwsError(awsError('InternalFailure', 'server', 'rid-9'), ctx);
    expect(e).toMatchObject({ code: 'AwsCallFailed', source: 'aws' });
    expect(e.hint).toContain('rid-9');
  });
});

describe('redactParams', () => {
  it('replaces secret-looking keys at any depth and keeps the rest', () => {
    expect(
      redactParams({
        DBInstanceIdentifier: 'db',
        MasterUserPassword: 'hunter2',
        Nested: [{ SecretString: 'x', a: 1 }],
      }),
    ).toEqual({
      DBInstanceIdentifier: 'db',
      MasterUserPassword: '[redacted]',
      Nested: [{ SecretString: '[redacted]', a: 1 }],
    });
  });
});
