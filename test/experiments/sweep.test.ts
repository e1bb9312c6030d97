import { describe, expect, it } from 'vitest';
import { DrillproofError } from '../../src/errors.js';
import { sweep } from '../../src/experiments/sweep.js';
import { RecordingSink } from '../../src/io/messages.js';
import { systemClock } from '../../src/util/clock.js';
import { fakeAws } from '../_helpers/fake-aws.js';

describe('sweep', () => {
  it('one service it may not read does not stop it: the others are swept, the denied one is reported', async () => {
    const f = fakeAws({ instances: [{ id: 'i-1', az: 'a', state: 'stopped' }] });
    const aws = f.aws as unknown as {
      fis: { listExperiments: () => Promise<unknown> };
      rds: { describeDBInstances: () => Promise<unknown> };
    };
    aws.fis.listExperiments = async () => {
      throw DrillproofError.user('AwsAccessDenied', 'fis:ListExperiments was denied in us-east-1', {
        hint: 'allow the IAM action fis:ListExperiments',
      });
    };
    aws.rds.describeDBInstances = async () => ({
      DBInstances: [
        {
          DBInstanceIdentifier: 'dp-r1-restore',
          DBInstanceStatus: 'available',
          TagList: [{ Key: 'drillproof:run-id', Value: 'r1' }],
        },
      ],
    });
    const sink = new RecordingSink();
    const found = await sweep({
      aws: f.aws,
      sink,
      clock: systemClock,
      dryRun: true,
      labInstanceIds: ['i-1'],
      pollMs: 1,
      waitTimeoutMs: 10,
    });
    expect(found.map((x) => [x.kind, x.id])).toEqual([
      ['restored-db-instance', 'dp-r1-restore'],
      ['unchecked', 'fis'],
      ['stopped-lab-instance', 'i-1'],
    ]);
    expect(found[1]).toMatchObject({
      error: 'fis:ListExperiments was denied in us-east-1',
      action: 'allow the IAM action fis:ListExperiments',
    });
    expect(sink.messages.filter((m) => m.code === 'DP_SWEEP_E9301').map((m) => m.message)).toEqual([
      'fis: FIS experiments could not be listed: fis:ListExperiments was denied in us-east-1',
    ]);
  });

  it('a restored Aurora cluster a drill left: its instance, then the cluster, deleted; kept ones and the source stay', async () => {
    const left = 'shop-aurora-dp-20261202t010000z-abcd-restore';
    const kept = 'shop-aurora-dp-20261202t010000z-abcd-restore-keep';
    const f = fakeAws({
      clusters: [
        { id: 'shop-aurora', members: ['shop-aurora-1'] },
        { id: left, members: [] },
        { id: kept, members: [] },
      ],
    });
    for (const [id, cluster] of [
      ['shop-aurora-1', 'shop-aurora'],
      [`${left}-1`, left],
    ] as const) {
      f.dbs.set(id, { id, multiAz: false, az: 'us-east-1a', status: 'available', tags: {} });
      if (cluster === left) f.clusters.get(left)?.members.push(id);
    }
    const found = await sweep({
      aws: f.aws,
      sink: new RecordingSink(),
      clock: systemClock,
      dryRun: false,
      labInstanceIds: [],
      pollMs: 1,
      waitTimeoutMs: 1000,
    });
    // The instance is not a leftover of its own: it goes with its cluster.
    expect(found.map((x) => [x.kind, x.id, x.done])).toEqual([['restored-db-cluster', left, true]]);
    expect([...f.clusters.keys()]).toEqual(['shop-aurora', kept]);
    expect([...f.dbs.keys()]).toEqual(['shop-aurora-1']);
  });
});
