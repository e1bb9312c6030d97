import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetGroup } from '../../../src/lab/alb/target-group.js';

let okPort = 0;
let badPort = 0;
const servers: Server[] = [];

async function serve(status: number): Promise<number> {
  const s = createServer((_q, r) => {
    r.writeHead(status);
    r.end();
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const a = s.address();
  return typeof a === 'object' && a ? a.port : 0;
}

beforeAll(async () => {
  okPort = await serve(200);
  badPort = await serve(500);
});
afterAll(() => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))));

function group(instances: Record<string, { running: boolean; port: number }>, reachable = () => true) {
  return new TargetGroup(
    'arn:tg',
    'tg',
    80,
    {
      intervalMs: 20,
      timeoutMs: 200,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      path: '/health',
      deregistrationDelayMs: 50,
    },
    (id) => (instances[id] ? { ...instances[id], az: 'lab-1a' } : undefined),
    reachable,
  );
}

const until = async (f: () => boolean) => {
  const end = Date.now() + 3000;
  while (!f()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('TargetGroup (ALB semantics)', () => {
  it('initial -> healthy; a 500 health check -> unhealthy with Target.ResponseCodeMismatch; fail-open routing', async () => {
    const g = group({ a: { running: true, port: okPort }, b: { running: true, port: badPort } });
    g.register([{ id: 'a' }, { id: 'b' }]);
    expect(g.targets.get('a')?.reason).toBe('Elb.InitialHealthChecking');
    // Nothing healthy yet: fail-open routes to registered targets regardless of health.
    expect(g.pick()).toBeDefined();
    g.start();
    try {
      await until(() => g.targets.get('a')?.state === 'healthy' && g.targets.get('b')?.state === 'unhealthy');
      expect(g.targets.get('b')?.reason).toBe('Target.ResponseCodeMismatch');
      expect(g.targets.get('b')?.description).toBe('Health checks failed with these codes: [500]');
      for (let i = 0; i < 10; i++) expect(g.pick()?.id).toBe('a');
    } finally {
      g.stop();
    }
  });

  it('an unreachable AZ times out (Target.Timeout); a stopped instance is unused (Target.InvalidState)', async () => {
    const g = group({ a: { running: true, port: okPort } }, () => false);
    g.register([{ id: 'a' }]);
    g.start();
    try {
      await until(() => g.targets.get('a')?.state === 'unhealthy');
      expect(g.targets.get('a')?.reason).toBe('Target.Timeout');
      g.onInstance('a', 'stopped');
      expect([g.targets.get('a')?.state, g.targets.get('a')?.reason]).toEqual(['unused', 'Target.InvalidState']);
      expect(g.pick()).toBeUndefined();
    } finally {
      g.stop();
    }
  });

  it('draining targets get no requests and leave after the deregistration delay; none left -> undefined (503)', async () => {
    const g = group({ a: { running: true, port: okPort } });
    g.register([{ id: 'a' }]);
    g.start();
    try {
      await until(() => g.targets.get('a')?.state === 'healthy');
      g.deregister(['a']);
      expect(g.targets.get('a')?.reason).toBe('Target.DeregistrationInProgress');
      expect(g.pick()).toBeUndefined();
      await until(() => !g.targets.has('a'));
    } finally {
      g.stop();
    }
  });

  it('refuses to register an unknown or stopped instance', () => {
    const g = group({ s: { running: false, port: okPort } });
    expect(() => g.register([{ id: 'nope' }])).toThrow(/not valid instances/);
    expect(() => g.register([{ id: 's' }])).toThrow(/not in a running state/);
  });
});
