import { afterEach, describe, expect, it } from 'vitest';
import {
  clearSecretsForTests,
  findKnownSecret,
  registerEnvSecrets,
  registerSecret,
  scrubSecrets,
  scrubSecretsIn,
} from '../../src/util/secrets.js';

afterEach(() => clearSecretsForTests());

describe('the secret registry', () => {
  it('masks a registered value as is, JSON-escaped, URL-encoded and without its scheme', () => {
    registerSecret('p@ss "w/rd"');
    registerSecret('Bearer abcdef123456');
    const text = `a p@ss "w/rd" b ${JSON.stringify('p@ss "w/rd"')} c ${encodeURIComponent('p@ss "w/rd"')} d abcdef123456`;
    expect(scrubSecrets(text)).toBe('a [REDACTED] b "[REDACTED]" c [REDACTED] d [REDACTED]');
    expect(findKnownSecret(text)).toBe(true);
    expect(findKnownSecret('nothing here')).toBe(false);
  });

  it('registers credentials of the environment by name, not ids or short values', () => {
    registerEnvSecrets({
      AWS_SECRET_ACCESS_KEY: 'secret-key-1234',
      AWS_SESSION_TOKEN: 'session-5678',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE00000',
      DB_PASSWORD: 'db-pw-9999',
      DB_PWD: 'db-pwd-4242',
      HOME: '/home/someone',
      // The shell's working directories end in "pwd": paths, not passwords.
      PWD: '/work/checkout',
      OLDPWD: '/work/previous',
      TOKEN_SHORT_TOKEN: 'abc',
    });
    const out = scrubSecretsIn({
      a: 'secret-key-1234 session-5678 db-pw-9999 db-pwd-4242',
      b: ['/home/someone', 'AKIAEXAMPLE00000 abc', '/work/checkout/scenarios/x.yaml /work/previous'],
    });
    expect(out).toEqual({
      a: '[REDACTED] [REDACTED] [REDACTED] [REDACTED]',
      b: ['/home/someone', 'AKIAEXAMPLE00000 abc', '/work/checkout/scenarios/x.yaml /work/previous'],
    });
  });

  it('a longer secret containing a shorter one is masked whole', () => {
    registerSecret('inner-123');
    registerSecret('outer-inner-123-tail');
    expect(scrubSecrets('x outer-inner-123-tail y inner-123')).toBe('x [REDACTED] y [REDACTED]');
  });
});
