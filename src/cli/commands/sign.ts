import { type SignerOptions, signerFromOptions, signPack } from '../../index.js';
import type { RegisterCommand } from '../context.js';
import { ConsoleSink } from '../render.js';

export const registerSign: RegisterCommand = (program, ctx) => {
  program
    .command('sign')
    .description('sign an evidence pack: SHA256SUMS, VERIFY.md, public key and a Sigstore bundle over every file')
    .argument('<dir>', 'the run directory (evidence pack)')
    .option('--key <path>', 'private key PEM (ECDSA P-256 or Ed25519), or awskms:///<key-id>')
    .option('--kms-key <id>', 'AWS KMS key id, ARN or alias/<name> (ECC_NIST_P256)')
    .option('--region <region>', 'AWS region of the KMS key')
    .option('--profile <name>', 'AWS profile for KMS')
    .option('--endpoint <url>', 'AWS endpoint override for KMS')
    .option('--tsa <url>', 'RFC 3161 timestamp authority to timestamp the signature')
    .option('--json', 'print messages as JSON lines')
    .action(async (dir: string, opts: SignerOptions & { tsa?: string; json?: boolean }) => {
      const sink = new ConsoleSink(ctx.io, { json: Boolean(opts.json) });
      const signer = await signerFromOptions(opts, ctx.io.env);
      const r = await signPack({ dir, signer, sink, ...(opts.tsa ? { tsaUrl: opts.tsa } : {}) });
      sink.clearProgress();
      if (!opts.json)
        ctx.io.stdout.write(`signed ${r.files} files: ${r.bundlePath}\nkey fingerprint: ${r.fingerprint}\n`);
    });
};
