import { describe, expect, it } from 'vitest';
import { azOfIp, IpPool, newDeploymentId, newTaskId, subnetCidr } from '../../../src/lab/ecs/topology.js';

describe('lab ECS topology', () => {
  const azs = ['lab-1a', 'lab-1b'];
  it('gives each AZ its /24 and finds the AZ of a task IP', () => {
    expect(subnetCidr(0)).toBe('10.0.1.0/24');
    expect(azOfIp('10.0.2.17', azs)).toBe('lab-1b');
    expect(azOfIp('10.0.3.17', azs)).toBeUndefined();
    expect(azOfIp('192.168.1.1', azs)).toBeUndefined();
  });

  it('hands out distinct IPs per AZ and reuses one only after its release', () => {
    const pool = new IpPool(azs);
    const a = pool.take('lab-1a');
    const b = pool.take('lab-1a');
    expect([a, b]).toEqual(['10.0.1.10', '10.0.1.11']);
    expect(pool.take('lab-1b')).toBe('10.0.2.10');
    const taken = new Set([a, b]);
    for (let i = 0; i < 238; i++) taken.add(pool.take('lab-1a'));
    expect(taken.size).toBe(240);
    expect(() => pool.take('lab-1a')).toThrow(/no free task IP/);
    pool.release('10.0.1.77');
    expect(pool.take('lab-1a')).toBe('10.0.1.77');
  });

  it('writes ids as ECS does', () => {
    expect(newTaskId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newDeploymentId()).toMatch(/^ecs-svc\/\d{1,19}$/);
  });
});
