import { readFile } from 'node:fs/promises';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { getTrustedRoot } from '@sigstore/tuf';
import { DrillproofError } from '../../errors.js';

/**
 * The Sigstore trust root a keyless signature is checked against: the certificate authorities,
 * transparency logs and timestamp authorities to trust. From a `trusted_root.json` file (a private
 * instance, or an offline copy), or else from the public-good instance's TUF repository.
 */
export async function loadTrustedRoot(o: { file?: string; tufMirror?: string; tufCachePath?: string }): Promise<{
  root: TrustedRoot;
  source: string;
}> {
  if (o.file) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(o.file, 'utf8'));
    } catch (err) {
      throw DrillproofError.user('TrustedRootUnreadable', `cannot read the Sigstore trusted root ${o.file}`, {
        hint: 'give a trusted_root.json (as `cosign trusted-root create` writes it, or from your Sigstore instance)',
        cause: err,
      });
    }
    try {
      const root = TrustedRoot.fromJSON(json);
      if (!root.certificateAuthorities.length) throw new Error('no certificate authority');
      return { root, source: o.file };
    } catch (err) {
      throw DrillproofError.user(
        'TrustedRootInvalid',
        `${o.file} is not a Sigstore trusted root: ${(err as Error).message}`,
        {
          hint: 'give a trusted_root.json with certificateAuthorities and tlogs',
          cause: err,
        },
      );
    }
  }
  try {
    const root = await getTrustedRoot({
      ...(o.tufMirror ? { mirrorURL: o.tufMirror } : {}),
      ...(o.tufCachePath ? { cachePath: o.tufCachePath } : {}),
    });
    return { root, source: o.tufMirror ?? 'the Sigstore public-good TUF repository' };
  } catch (err) {
    throw DrillproofError.user(
      'TrustedRootFetchFailed',
      `cannot fetch the Sigstore trusted root${o.tufMirror ? ` from ${o.tufMirror}` : ''}: ${(err as Error).message}`,
      {
        hint: 'without network access pass --trusted-root <trusted_root.json>; for a private instance pass its trusted root',
        cause: err,
        exitCode: 1,
      },
    );
  }
}
