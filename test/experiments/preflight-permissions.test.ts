import { describe, expect, it } from 'vitest';
import { principalArn } from '../../src/experiments/preflight-permissions.js';

describe('the principal preflight simulates', () => {
  it('an assumed role is simulated as its role, a user as itself, root and federated users not at all', () => {
    expect(principalArn('arn:aws:sts::123456789012:assumed-role/DrillRunner/ci-1234')).toBe(
      'arn:aws:iam::123456789012:role/DrillRunner',
    );
    expect(principalArn('arn:aws-us-gov:sts::123456789012:assumed-role/R/s')).toBe(
      'arn:aws-us-gov:iam::123456789012:role/R',
    );
    expect(principalArn('arn:aws:iam::123456789012:user/ops/alice')).toBe('arn:aws:iam::123456789012:user/ops/alice');
    expect(principalArn('arn:aws:iam::123456789012:root')).toBeUndefined();
    expect(principalArn('arn:aws:sts::123456789012:federated-user/bob')).toBeUndefined();
  });
});
