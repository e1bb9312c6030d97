import { createServer, type Server } from 'node:http';
import {
  BackupClient,
  ResourceNotFoundException as BackupNotFound,
  DescribeRestoreJobCommand,
  GetRecoveryPointRestoreMetadataCommand,
  InvalidRequestException,
  PutRestoreValidationResultCommand,
} from '@aws-sdk/client-backup';
import {
  ConditionalCheckFailedException,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PointInTimeRecoveryUnavailableException,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupErrorReply, backupReply } from '../../src/lab/api/backup.js';
import { ddbErrorReply, ddbReply } from '../../src/lab/api/dynamodb.js';
import { ApiError } from '../../src/lab/api/errors.js';

/**
 * The JSON protocols fail quietly too: a timestamp in the wrong format, an error without the type
 * the SDK reads, or a list under the wrong name parse as something else. These goldens pin what the
 * real SDK reads from the shapes the lab writes (awsJson1_0 for DynamoDB, restJson1 for AWS Backup).
 */
let server: Server;
let reply: { status: number; headers: Record<string, string>; body: string } = { status: 200, headers: {}, body: '' };
let seen: { method?: string; url?: string; target?: string; body?: string } = {};
let endpoint = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen = {
        method: req.method,
        url: req.url,
        target: String(req.headers['x-amz-target'] ?? ''),
        body: Buffer.concat(chunks).toString(),
      };
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const a = server.address();
  endpoint = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const cfg = () => ({
  region: 'us-east-1',
  endpoint,
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  maxAttempts: 1,
});

describe('DynamoDB (awsJson1_0)', () => {
  it('sends X-Amz-Target and reads epoch-second timestamps with milliseconds', async () => {
    reply = ddbReply(200, {
      ContinuousBackupsDescription: {
        ContinuousBackupsStatus: 'ENABLED',
        PointInTimeRecoveryDescription: {
          PointInTimeRecoveryStatus: 'ENABLED',
          EarliestRestorableDateTime: 1796117451.123,
          LatestRestorableDateTime: 1796117460.5,
        },
      },
    });
    const r = await new DynamoDBClient(cfg()).send(new DescribeContinuousBackupsCommand({ TableName: 't1x' }));
    expect(seen.target).toBe('DynamoDB_20120810.DescribeContinuousBackups');
    expect(JSON.parse(seen.body ?? '{}')).toEqual({ TableName: 't1x' });
    const p = r.ContinuousBackupsDescription?.PointInTimeRecoveryDescription;
    expect(p?.EarliestRestorableDateTime).toEqual(new Date(1796117451123));
    expect(p?.LatestRestorableDateTime).toEqual(new Date(1796117460500));
  });

  it('a RestoreSummary on DescribeTable parses with its time', async () => {
    reply = ddbReply(200, {
      Table: {
        TableName: 'x1y',
        TableStatus: 'CREATING',
        RestoreSummary: { RestoreDateTime: 1796117451.25, RestoreInProgress: true },
      },
    });
    const r = await new DynamoDBClient(cfg()).send(new DescribeTableCommand({ TableName: 'x1y' }));
    expect(r.Table?.TableStatus).toBe('CREATING');
    expect(r.Table?.RestoreSummary).toEqual({ RestoreDateTime: new Date(1796117451250), RestoreInProgress: true });
  });

  it('errors become the modelled exception classes from __type', async () => {
    reply = ddbErrorReply(new ApiError('ConditionalCheckFailedException', 'The conditional request failed'));
    const e1 = await new DynamoDBClient(cfg())
      .send(new PutItemCommand({ TableName: 'abc', Item: { pk: { S: 'a' } } }))
      .catch((e: Error) => e);
    expect(e1).toBeInstanceOf(ConditionalCheckFailedException);
    expect((e1 as Error).message).toBe('The conditional request failed');
    reply = ddbErrorReply(new ApiError('PointInTimeRecoveryUnavailableException', 'not enabled'));
    const e2 = await new DynamoDBClient(cfg())
      .send(new DescribeContinuousBackupsCommand({ TableName: 'abc' }))
      .catch((e: Error) => e);
    expect(e2).toBeInstanceOf(PointInTimeRecoveryUnavailableException);
  });
});

describe('AWS Backup (restJson1)', () => {
  it('ARNs travel URL-encoded in the path; RestoreMetadata is a string map', async () => {
    reply = backupReply(200, {
      BackupVaultArn: 'arn:aws:backup:us-east-1:000000000000:backup-vault:lab-vault',
      RecoveryPointArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/backup/01-ab',
      ResourceType: 'DynamoDB',
      RestoreMetadata: { targetTableName: 't' },
    });
    const r = await new BackupClient(cfg()).send(
      new GetRecoveryPointRestoreMetadataCommand({
        BackupVaultName: 'lab-vault',
        RecoveryPointArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/backup/01-ab',
      }),
    );
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe(
      '/backup-vaults/lab-vault/recovery-points/arn%3Aaws%3Adynamodb%3Aus-east-1%3A000000000000%3Atable%2Ft%2Fbackup%2F01-ab/restore-metadata',
    );
    expect(r.RestoreMetadata).toEqual({ targetTableName: 't' });
  });

  it('DescribeRestoreJob reads epoch seconds, PercentDone as a string', async () => {
    reply = backupReply(200, {
      RestoreJobId: 'J1',
      Status: 'COMPLETED',
      PercentDone: '100.00%',
      CreationDate: 1796117451.5,
      CompletionDate: 1796117460,
      CreatedResourceArn: 'arn:aws:rds:us-east-1:000000000000:db:x',
      ValidationStatus: 'SUCCESSFUL',
    });
    const r = await new BackupClient(cfg()).send(new DescribeRestoreJobCommand({ RestoreJobId: 'J1' }));
    expect(seen.url).toBe('/restore-jobs/J1');
    expect(r).toMatchObject({
      Status: 'COMPLETED',
      PercentDone: '100.00%',
      CreationDate: new Date(1796117451500),
      CompletionDate: new Date(1796117460000),
      ValidationStatus: 'SUCCESSFUL',
    });
  });

  it('PutRestoreValidationResult is a PUT answered 204 with no body', async () => {
    reply = backupReply(204, undefined);
    await new BackupClient(cfg()).send(
      new PutRestoreValidationResultCommand({
        RestoreJobId: 'J1',
        ValidationStatus: 'FAILED',
        ValidationStatusMessage: 'm',
      }),
    );
    expect(seen.method).toBe('PUT');
    expect(seen.url).toBe('/restore-jobs/J1/validations');
    expect(JSON.parse(seen.body ?? '{}')).toEqual({ ValidationStatus: 'FAILED', ValidationStatusMessage: 'm' });
  });

  it('errors become exception classes from x-amzn-errortype, with Code and Message', async () => {
    reply = backupErrorReply(new ApiError('ResourceNotFoundException', 'Restore job J9 was not found.', 400));
    const e = await new BackupClient(cfg())
      .send(new DescribeRestoreJobCommand({ RestoreJobId: 'J9' }))
      .catch((x: Error) => x);
    expect(e).toBeInstanceOf(BackupNotFound);
    expect((e as BackupNotFound).Code).toBe('ResourceNotFoundException');
    expect((e as Error).message).toBe('Restore job J9 was not found.');
    reply = backupErrorReply(new ApiError('InvalidRequestException', 'not completed', 400));
    const e2 = await new BackupClient(cfg())
      .send(new PutRestoreValidationResultCommand({ RestoreJobId: 'J1', ValidationStatus: 'SUCCESSFUL' }))
      .catch((x: Error) => x);
    expect(e2).toBeInstanceOf(InvalidRequestException);
  });
});
