import { DrillproofError, KEY_TYPES, type KeyType, writeKeyPair } from '../../index.js';
import type { RegisterCommand } from '../context.js';

export const registerKeygen: RegisterCommand = (program, ctx) => {
  program
    .command('keygen')
    .description('create a local signing key pair for evidence packs (ECDSA P-256 by default)')
    .option('--type <type>', `key type: ${KEY_TYPES.join(' | ')}`, 'ecdsa-p256')
    .option('--out <dir>', 'directory for drillproof-signing.key and drillproof-signing.pub.pem', '.')
    .option('--force', 'replace an existing key pair')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { type: string; out: string; force?: boolean; json?: boolean }) => {
      if (!KEY_TYPES.includes(opts.type as KeyType))
        throw DrillproofError.user('KeyTypeInvalid', `unknown key type ${JSON.stringify(opts.type)}`, {
          hint: `use --type ${KEY_TYPES.join(' or --type ')}`,
        });
      const r = await writeKeyPair(opts.out, opts.type as KeyType, { force: Boolean(opts.force) });
      if (opts.json) {
        ctx.io.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      ctx.io.stdout.write(
        `private key: ${r.privateKeyPath} (keep it secret; mode 0600)\npublic key:  ${r.publicKeyPath}\nfingerprint: ${r.fingerprint}\n` +
          'publish the fingerprint where auditors can find it; sign with: drillproof sign <run-dir> --key ' +
          `${r.privateKeyPath}\n`,
      );
    });
};
