import { readFile } from 'node:fs/promises';
import { DrillproofError, ExitCode, verifyPack } from '../../index.js';
import type { RegisterCommand } from '../context.js';

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw DrillproofError.user('FileUnreadable', `cannot read the ${what} ${path}`, { cause: err });
  }
}

export const registerVerify: RegisterCommand = (program, ctx) => {
  program
    .command('verify')
    .description(
      'verify a signed evidence pack: the signature and every file (names what was altered, removed or added)',
    )
    .argument('<dir>', 'the evidence pack directory')
    .option(
      '--key <pub.pem>',
      'the trusted public key (without it the key in the pack is used, which only proves integrity)',
    )
    .option('--tsa-ca <pem>', 'trusted CA certificate(s) of the timestamp authority')
    .option('--json', 'print the result as JSON')
    .action(async (dir: string, opts: { key?: string; tsaCa?: string; json?: boolean }) => {
      const r = await verifyPack({
        dir,
        ...(opts.key ? { trustedKeyPem: await readPem(opts.key, 'public key') } : {}),
        ...(opts.tsaCa ? { tsaCaPem: await readPem(opts.tsaCa, 'TSA CA certificate') } : {}),
      });
      ctx.setExitCode(r.ok ? ExitCode.Ok : ExitCode.ToolError);
      if (opts.json) {
        const { statement, ...rest } = r;
        ctx.io.stdout.write(`${JSON.stringify({ ...rest, predicate: statement?.predicate ?? null })}\n`);
        return;
      }
      const out = ctx.io.stdout;
      for (const p of r.problems) out.write(`FAIL ${p.code}${p.file ? ` ${p.file}` : ''}: ${p.message}\n`);
      if (!r.ok) {
        out.write(`evidence pack NOT verified: ${r.problems.length} problem(s)\n`);
        return;
      }
      const pred = r.statement?.predicate;
      out.write(
        `OK signature (${r.keyType}, key ${r.keyFingerprint})${r.sigstoreVerified ? ', also checked with @sigstore/verify' : ''}\n`,
      );
      out.write(`OK ${r.files} files match the signed digests; nothing added or removed\n`);
      for (const t of r.timestamps) out.write(`OK timestamp ${t.genTime} by ${t.tsaSubject ?? 'unknown TSA'}\n`);
      if (pred) out.write(`run ${pred.runId}: ${pred.verdict}, signed ${pred.signedAt}\n`);
      if (r.keySource === 'pack')
        out.write(
          'note: verified with the key shipped in the pack; pass --key <trusted.pub.pem> or compare the fingerprint above with the published one\n',
        );
    });
};
