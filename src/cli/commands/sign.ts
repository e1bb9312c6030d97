import { completeInterruptedRun, keylessSigner, signerFromOptions, signRunDir, sigstoreUrls } from '../../index.js';
import type { RegisterCommand } from '../context.js';
import { type AwsFlags, addAwsFlags, awsFlagValues } from '../flags.js';
import { ConsoleSink } from '../render.js';
import { addSigningFlags, type SigningFlags, signingFlagValues } from './signing-flags.js';

export const registerSign: RegisterCommand = (program, ctx) => {
  const cmd = program
    .command('sign')
    .description(
      'sign an evidence pack: names the signer in its reports, then SHA256SUMS, VERIFY.md and a Sigstore bundle over every file',
    )
    .argument('<dir>', 'the run directory (evidence pack)')
    .option('--tsa <url>', 'RFC 3161 timestamp authority to timestamp a key signature')
    .option('--json', 'print messages as JSON lines');
  addSigningFlags(cmd);
  addAwsFlags(cmd, 'a KMS signing key');
  cmd.action(async (dir: string, opts: SigningFlags & AwsFlags & { tsa?: string; json?: boolean }) => {
    const sink = new ConsoleSink(ctx.io, { json: Boolean(opts.json) });
    const flags = signingFlagValues(opts);
    const aws = awsFlagValues(opts);
    const signer = flags.keyless
      ? keylessSigner({
          urls: sigstoreUrls(flags, undefined, ctx.io.env),
          token: { env: ctx.io.env, ...(flags.oidcTokenFile ? { tokenFile: flags.oidcTokenFile } : {}) },
        })
      : await signerFromOptions({ ...flags, ...aws }, ctx.io.env);
    await completeInterruptedRun(dir, sink);
    const r = await signRunDir(dir, { signer, ...(opts.tsa ? { tsaUrl: opts.tsa } : {}) }, { sink });
    sink.clearProgress();
    const info = signer.info();
    if (opts.json) {
      ctx.io.stdout.write(`${JSON.stringify({ ...r, signing: info })}\n`);
      return;
    }
    ctx.io.stdout.write(
      `signed ${r.files} files: ${r.bundlePath}\nkey fingerprint: ${r.fingerprint}\n${info.summary}\n`,
    );
  });
};
