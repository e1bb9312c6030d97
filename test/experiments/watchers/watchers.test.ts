import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WatcherSet } from '../../../src/experiments/watchers/watchers.js';
import { Journal } from '../../../src/run/journal.js';
import { AnchoredClock, systemClock } from '../../../src/util/clock.js';
import { fakeAws } from '../../_helpers/fake-aws.js';

/** The AWS timeline: only changes are journaled, a failing watcher is noted once and fails nothing. */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const d = mkdtempSync(join(tmpdir(), 'dp-watch-'));
  dirs.push(d);
  const journal = Journal.create(join(d, 'journal.ndjson'), new AnchoredClock());
  const tgArn = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/1';
  const f = fakeAws({
    instances: [
      { id: 'i-1', az: 'a', state: 'running' },
      { id: 'i-2', az: 'b', state: 'running' },
    ],
    targetGroups: [{ arn: tgArn, name: 'web', targets: [{ id: 'i-1', port: 80 }] }],
    db: { id: 'db', multiAz: true, az: 'a', secondaryAz: 'b' },
  });
  // pollMs is never waited on: the tests poll by hand.
  const w = new WatcherSet({ aws: f.aws, journal, clock: systemClock, pollMs: 60_000, since: new Date(0) });
  const events = () => journal.entries.filter((e) => e.kind === 'watch.event').map((e) => e.data);
  return { f, w, journal, tgArn, events };
}

describe('WatcherSet', () => {
  it('journals a state once, and again only when it changes', async () => {
    const { f, w, events } = setup();
    w.add({ source: 'ec2', instanceIds: ['i-1'] });
    w.add({ source: 'ec2', instanceIds: ['i-1'] }); // the same watch twice is one poller
    await w.pollOnce();
    await w.pollOnce();
    expect(events()).toEqual([{ source: 'ec2', resource: 'i-1', state: 'running' }]);
    await f.aws.ec2.stopInstances({ InstanceIds: ['i-1'] });
    await w.pollOnce();
    expect(events().map((e) => e.state)).toEqual(['running', 'stopped']);
    expect(f.calls.filter((c) => c === 'ec2:DescribeInstances')).toHaveLength(3);
  });

  it('records target health with ports, and a DB that disappeared as absent', async () => {
    const { f, w, tgArn, events } = setup();
    w.add({ source: 'elbv2', targetGroupArn: tgArn });
    w.add({ source: 'rds', sourceType: 'db-instance', id: 'db' });
    await w.pollOnce();
    f.dbs.delete('db');
    await w.pollOnce();
    expect(events()).toEqual([
      { source: 'elbv2', resource: 'i-1:80', state: 'healthy' },
      { source: 'rds', resource: 'db', state: 'available' },
      { source: 'rds', resource: 'db', state: 'absent' },
    ]);
  });

  it('a failing watcher is noted once and never throws; FIS is watched once the experiment id is known', async () => {
    const { w, journal, events } = setup();
    let experimentId: string | undefined;
    w.add({ source: 'elbv2', targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:0:targetgroup/gone/1' });
    w.add({ source: 'fis', key: 'fis', experimentId: () => experimentId });
    await w.pollOnce();
    await w.pollOnce();
    const notes = journal.entries.filter((e) => e.kind === 'note').map((e) => String(e.data.message));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^watcher elbv2:arn:aws:elasticloadbalancing:.*gone.* failed: /);
    expect(events()).toEqual([]);
    experimentId = 'EXP9';
    await w.pollOnce(); // unknown experiment: a second watcher failing, noted once too
    expect(journal.entries.filter((e) => e.kind === 'note')).toHaveLength(2);
  });

  it('stop polls one last time, so the final states are on record', async () => {
    const { f, w, events } = setup();
    w.add({ source: 'ec2', instanceIds: ['i-2'] });
    w.start();
    await f.aws.ec2.stopInstances({ InstanceIds: ['i-2'] });
    await w.stop();
    expect(events().at(-1)).toEqual({ source: 'ec2', resource: 'i-2', state: 'stopped' });
  });
});
