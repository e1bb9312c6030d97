import { describe, expect, it } from 'vitest';
import { Ec2Fleet, type LabInstance } from '../../../src/lab/ec2/fleet.js';
import { parseSelectionMode, resolveTarget, type TargetSources } from '../../../src/lab/fis/targets.js';
import { ProcessRegistry } from '../../../src/lab/processes.js';
import type { RdsLab } from '../../../src/lab/rds/lab-rds.js';

function sources(): TargetSources {
  const fleet = new Ec2Fleet({
    registry: new ProcessRegistry('/dev/null'),
    logsDir: '/tmp',
    cwd: '/tmp',
    transitionMs: 0,
    appEnv: {},
  });
  const mk = (id: string, az: string, state: LabInstance['state'], tags: Record<string, string>): LabInstance => ({
    id,
    az,
    subnetId: `subnet-${az}`,
    port: 1,
    tags,
    state,
    launchTime: new Date(),
    stateTransitionReason: '',
    upSince: 0,
    child: undefined,
  });
  for (const i of [
    mk('i-1', 'lab-1a', 'running', { app: 'web' }),
    mk('i-2', 'lab-1a', 'stopped', { app: 'web' }),
    mk('i-3', 'lab-1b', 'running', { app: 'web' }),
    mk('i-4', 'lab-1b', 'running', { app: 'api' }),
  ]) {
    fleet.instances.set(i.id, i);
  }
  return {
    fleet,
    rds: { instances: new Map(), clusters: new Map() } as unknown as RdsLab,
    subnets: [
      { id: 's-a', az: 'lab-1a' },
      { id: 's-b', az: 'lab-1b' },
    ],
  };
}

const ids = (r: { id: string }[]) => r.map((x) => x.id).sort();

describe('FIS target resolution', () => {
  it('by tags, then filters on describe paths', () => {
    const s = sources();
    const t = { resourceType: 'aws:ec2:instance', resourceTags: { app: 'web' }, selectionMode: 'ALL' };
    expect(ids(resolveTarget(s, t))).toEqual(['i-1', 'i-2', 'i-3']);
    const f = {
      ...t,
      filters: [
        { path: 'State.Name', values: ['running'] },
        { path: 'Placement.AvailabilityZone', values: ['lab-1b'] },
      ],
    };
    expect(ids(resolveTarget(s, f))).toEqual(['i-3']);
  });

  it('by ARN', () => {
    const t = {
      resourceType: 'aws:ec2:instance',
      resourceArns: ['arn:aws:ec2:us-east-1:000000000000:instance/i-4'],
      selectionMode: 'ALL',
    };
    expect(ids(resolveTarget(sources(), t))).toEqual(['i-4']);
  });

  it('COUNT(n) and PERCENT(n) pick at random from the matches', () => {
    const s = sources();
    const base = { resourceType: 'aws:ec2:instance', resourceTags: { app: 'web' } };
    const seq = [0.99, 0.0];
    let k = 0;
    const rnd = () => seq[k++ % seq.length] as number;
    const one = resolveTarget(s, { ...base, selectionMode: 'COUNT(1)' }, rnd);
    expect(one).toHaveLength(1);
    expect(['i-1', 'i-2', 'i-3']).toContain(one[0]?.id);
    expect(resolveTarget(s, { ...base, selectionMode: 'PERCENT(50)' })).toHaveLength(2);
    expect(resolveTarget(s, { ...base, selectionMode: 'COUNT(9)' })).toHaveLength(3);
  });

  it('subnets by the availabilityZoneIdentifier parameter', () => {
    const t = {
      resourceType: 'aws:ec2:subnet',
      parameters: { availabilityZoneIdentifier: 'lab-1b' },
      selectionMode: 'ALL',
    };
    expect(ids(resolveTarget(sources(), t))).toEqual(['s-b']);
  });

  it('parses selection modes', () => {
    expect(parseSelectionMode('ALL')).toEqual({ kind: 'ALL' });
    expect(parseSelectionMode('COUNT(2)')).toEqual({ kind: 'COUNT', n: 2 });
    expect(parseSelectionMode('PERCENT(101)')).toBeUndefined();
    expect(parseSelectionMode('SOME')).toBeUndefined();
  });
});
