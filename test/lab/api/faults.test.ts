import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaults } from '../../../src/lab/api/faults.js';

describe('FaultInjector', () => {
  it('throttles with each service error, scoped by service and operation', () => {
    const f = new FaultInjector({
      throttleRate: 1,
      services: ['ec2', 'fis'],
      operations: ['DescribeInstances', 'GET /experiments'],
    });
    const code = (svc: string, op: string) => {
      const d = f.decide(svc, op)[0];
      return d?.kind === 'error' ? [d.error.code, d.error.status] : undefined;
    };
    expect(code('ec2', 'DescribeInstances')).toEqual(['RequestLimitExceeded', 503]);
    expect(code('fis', 'GET /experiments')).toEqual(['ThrottlingException', 429]);
    expect(code('rds', 'DescribeInstances')).toBeUndefined();
    expect(code('ec2', 'StopInstances')).toBeUndefined();
  });

  it('alternates 500 and 503, applies rates with the injected random source', () => {
    const f = new FaultInjector({ errorRate: 0.5 }, () => 0.4);
    const a = f.decide('rds', 'X')[0];
    const b = f.decide('rds', 'X')[0];
    expect([a?.kind === 'error' && a.error.status, b?.kind === 'error' && b.error.status]).toEqual([500, 503]);
    expect(new FaultInjector({ errorRate: 0.5 }, () => 0.6).decide('rds', 'X')).toEqual([]);
  });

  it('validates admin input', () => {
    expect(parseFaults({ throttleRate: 0.2, slowMs: 100 })).toEqual({ throttleRate: 0.2, slowMs: 100 });
    expect(() => parseFaults({ errorRate: 2 })).toThrow(/errorRate must be a number from 0 to 1/);
    expect(() => parseFaults({ services: 'ec2' })).toThrow(/services must be a list/);
  });

  it('takes the failover and FIS modes, and nothing else for them', () => {
    expect(parseFaults({ failover: 'no-op', fisActions: 'no-effect' })).toEqual({
      failover: 'no-op',
      fisActions: 'no-effect',
    });
    expect(parseFaults({ failover: 'declined' })).toEqual({ failover: 'declined' });
    expect(() => parseFaults({ failover: 'noop' })).toThrow(/failover must be "no-op" or "declined", not "noop"/);
    expect(() => parseFaults({ fisActions: true })).toThrow(/fisActions must be "no-effect", not true/);
    // The modes are not rates: the injector adds no per-request fault for them.
    expect(new FaultInjector({ failover: 'no-op' }, () => 0).decide('rds', 'RebootDBInstance')).toEqual([]);
  });
});
