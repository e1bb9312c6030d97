import { readFile } from 'node:fs/promises';
import { DrillproofError } from '../../errors.js';

/**
 * Where a keyless signature's OIDC identity token comes from, in this order:
 * 1. a file (`--oidc-token-file`, DRILLPROOF_OIDC_TOKEN_FILE): a token a CI system wrote;
 * 2. SIGSTORE_ID_TOKEN (the variable cosign reads);
 * 3. GitHub Actions' token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL + ACTIONS_ID_TOKEN_REQUEST_TOKEN,
 *    present when the job has `permissions: id-token: write`), asked for the `sigstore` audience.
 */
export interface OidcTokenOptions {
  tokenFile?: string;
  env: NodeJS.ProcessEnv;
  /** Audience asked of GitHub Actions (Fulcio expects `sigstore`). */
  audience?: string;
  fetchImpl?: typeof fetch;
}

export type OidcTokenSource = 'file' | 'env' | 'github-actions';

export async function oidcToken(o: OidcTokenOptions): Promise<{ token: string; source: OidcTokenSource }> {
  const file = o.tokenFile ?? o.env.DRILLPROOF_OIDC_TOKEN_FILE;
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw DrillproofError.user('OidcTokenUnreadable', `cannot read the OIDC token file ${file}`, {
        hint: 'give the file your CI system wrote the identity token to (--oidc-token-file)',
        cause: err,
      });
    }
    return { token: checkJwt(text.trim(), `the OIDC token file ${file}`), source: 'file' };
  }
  if (o.env.SIGSTORE_ID_TOKEN)
    return { token: checkJwt(o.env.SIGSTORE_ID_TOKEN.trim(), 'SIGSTORE_ID_TOKEN'), source: 'env' };
  const url = o.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = o.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (url && bearer) {
    const u = new URL(url);
    u.searchParams.set('audience', o.audience ?? 'sigstore');
    let value: unknown;
    try {
      const res = await (o.fetchImpl ?? fetch)(u, {
        headers: { Accept: 'application/json', Authorization: `Bearer ${bearer}` },
        signal: AbortSignal.timeout(30_000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      value = ((await res.json()) as { value?: unknown }).value;
    } catch (err) {
      throw DrillproofError.user(
        'OidcTokenRequestFailed',
        `GitHub Actions did not issue an OIDC token: ${(err as Error).message}`,
        { hint: 'give the job `permissions: id-token: write`', cause: err },
      );
    }
    if (typeof value !== 'string')
      throw DrillproofError.user('OidcTokenRequestFailed', 'GitHub Actions answered without a token value', {
        hint: 'give the job `permissions: id-token: write`',
      });
    return { token: checkJwt(value, 'the GitHub Actions token'), source: 'github-actions' };
  }
  throw DrillproofError.user('OidcTokenMissing', 'keyless signing needs an OIDC identity token, and none was found', {
    hint: 'in GitHub Actions give the job `permissions: id-token: write`; elsewhere set SIGSTORE_ID_TOKEN or pass --oidc-token-file <file>',
  });
}

/** The claims of a JWT, unverified (Fulcio verifies the token; this is for messages only). */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function checkJwt(token: string, what: string): string {
  try {
    const claims = jwtClaims(token);
    if (typeof claims.iss !== 'string') throw new Error('no iss claim');
  } catch (err) {
    throw DrillproofError.user('OidcTokenInvalid', `${what} is not an OIDC identity token (a JWT with an issuer)`, {
      hint: 'pass the raw token (three base64url parts separated by dots)',
      cause: err,
    });
  }
  return token;
}
