import type { SigningInfo } from '../evidence-schema.js';
import type { KeyType } from './keys.js';
import { BUNDLE_FILE, PUBLIC_KEY_FILE, SUMS_FILE } from './pack-files.js';
import { PAYLOAD_TYPE, PREDICATE_TYPE, STATEMENT_TYPE } from './statement.js';

const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

interface VerifyMdInput {
  keyType: KeyType;
  fingerprint: string;
  info: SigningInfo;
}

function files(o: VerifyMdInput): string {
  const keyLine =
    o.info.method === 'keyless'
      ? `  The signer's short-lived key is in the bundle's certificate, issued to ${o.info.identity ?? '(unknown)'}
  (OIDC issuer ${o.info.issuer ?? 'unknown'}).`
      : `- \`${PUBLIC_KEY_FILE}\`: the public key of the signer (${o.keyType === 'ed25519' ? 'Ed25519' : 'ECDSA P-256'}${
          o.info.kmsKeyArn ? `, AWS KMS key ${o.info.kmsKeyArn}` : ''
        }).`;
  return `- \`${BUNDLE_FILE}\`: a Sigstore bundle (v0.3) holding one DSSE envelope; its payload is an
  in-toto Statement v1 whose subjects are all other files of this directory with their SHA-256.
${keyLine}
- \`${SUMS_FILE}\`: the same digests in \`sha256sum\` format, for a quick look.`;
}

function trust(o: VerifyMdInput): string {
  if (o.info.method === 'keyless')
    return `**Trust the identity, not the pack.** The certificate names who signed; that it was issued by
the Sigstore certificate authority you trust and logged in its transparency log is checked by
\`drillproof verify\` and \`cosign\` with the identity flags below. The openssl recipe checks the
files and the signature, and prints the identity the certificate claims.

## With drillproof

    ${o.info.verify.replace('<pack>', '<this-directory>')}

(add \`--trusted-root <trusted_root.json>\` for a private Sigstore instance)`;
  const verify =
    o.info.method === 'kms'
      ? `    drillproof verify <this-directory> --kms-key ${o.info.kmsKeyArn ?? '<key-arn>'}`
      : '    drillproof verify <this-directory> --key <trusted-public-key.pem>';
  return `**Trust the key, not the pack.** A key shipped inside the pack proves only that the pack was not
changed *after* signing by someone without that key. Compare the key fingerprint below with the one
your organisation publishes for its drill signing key (policy document, README, KMS key ARN):

    ${o.fingerprint}

## With drillproof

${verify}`;
}

function keyStep(o: VerifyMdInput): { check: string; verifySig: string } {
  if (o.info.method === 'keyless')
    return {
      check: `# 2. The certificate: the identity it claims (the CA chain and the log entry are cosign's and drillproof's part).
jq -r .verificationMaterial.certificate.rawBytes "$B" | base64 -d > "$W/cert.der"
openssl x509 -inform DER -in "$W/cert.der" -noout -ext subjectAltName
openssl x509 -inform DER -in "$W/cert.der" -noout -ext subjectAltName | grep -qF "URI:$EXPECTED_IDENTITY" || { echo "FAIL: the certificate is not issued to $EXPECTED_IDENTITY"; exit 1; }
openssl x509 -inform DER -in "$W/cert.der" -pubkey -noout > "$W/key.pem"`,
      verifySig: `openssl dgst -sha256 -verify "$W/key.pem" -signature "$W/sig.bin" "$W/pae.bin"`,
    };
  return {
    check: `# 2. The key: its fingerprint (SHA-256 of the DER public key) is the one you trust and the bundle's hint.
FPR=$(openssl pkey -pubin -in ${PUBLIC_KEY_FILE} -outform DER | sha256sum | cut -d' ' -f1)
test "$FPR" = "$EXPECTED_FINGERPRINT" || { echo "FAIL: key fingerprint $FPR is not the trusted one"; exit 1; }
test "$FPR" = "$(jq -r .verificationMaterial.publicKey.hint "$B")" || { echo "FAIL: bundle key hint differs from ${PUBLIC_KEY_FILE}"; exit 1; }`,
    verifySig:
      o.keyType === 'ed25519'
        ? `openssl pkeyutl -verify -pubin -inkey ${PUBLIC_KEY_FILE} -rawin -in "$W/pae.bin" -sigfile "$W/sig.bin"`
        : `openssl dgst -sha256 -verify ${PUBLIC_KEY_FILE} -signature "$W/sig.bin" "$W/pae.bin"`,
  };
}

function cosign(o: VerifyMdInput): string {
  if (o.info.method === 'keyless')
    return `    cosign verify-blob-attestation --bundle ${BUNDLE_FILE} --new-bundle-format \\
      --certificate-identity '${o.info.identity ?? '<identity>'}' \\
      --certificate-oidc-issuer '${o.info.issuer ?? '<issuer>'}' \\
      --type ${PREDICATE_TYPE} evidence.json`;
  return `    cosign verify-blob-attestation --key ${PUBLIC_KEY_FILE} --bundle ${BUNDLE_FILE} --new-bundle-format \\
      --type ${PREDICATE_TYPE} --insecure-ignore-tlog evidence.json`;
}

/**
 * VERIFY.md, written into every pack: how an auditor checks it with only openssl, jq and
 * coreutils. The ```bash block is the complete recipe; a test runs exactly that block.
 */
export function renderVerifyMd(o: VerifyMdInput): string {
  const k = keyStep(o);
  const expected =
    o.info.method === 'keyless'
      ? `EXPECTED_IDENTITY="\${EXPECTED_IDENTITY:-${o.info.identity ?? ''}}"`
      : `EXPECTED_FINGERPRINT="\${EXPECTED_FINGERPRINT:-${o.fingerprint}}"`;
  return `# Verifying this evidence pack

This directory is a signed drillproof evidence pack. Every file in it is listed with its SHA-256
digest in a signed statement, so changing, removing or adding any file is detected.

${files(o)}

What this signature proves: ${o.info.summary}.

${trust(o)}

## With only openssl, jq and coreutils

Run this in this directory (bash). It stops at the first failure and names it. Set
\`${o.info.method === 'keyless' ? 'EXPECTED_IDENTITY' : 'EXPECTED_FINGERPRINT'}\` to the ${
    o.info.method === 'keyless' ? 'identity' : 'fingerprint'
  } you trust; it defaults to the one this pack was signed with.

\`\`\`bash
set -euo pipefail
${expected}
B=${BUNDLE_FILE}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT

# 1. The bundle: Sigstore v0.3, one DSSE signature over an in-toto statement.
test "$(jq -r .mediaType "$B")" = "${BUNDLE_MEDIA_TYPE}" || { echo "FAIL: not a v0.3 Sigstore bundle"; exit 1; }
test "$(jq '.dsseEnvelope.signatures | length' "$B")" = 1 || { echo "FAIL: expected exactly one signature"; exit 1; }
PT=$(jq -r .dsseEnvelope.payloadType "$B")
test "$PT" = "${PAYLOAD_TYPE}" || { echo "FAIL: unexpected payloadType $PT"; exit 1; }

${k.check}

# 3. The signature: over the DSSE pre-authentication encoding (PAE) of the payload.
jq -r .dsseEnvelope.payload "$B" | base64 -d > "$W/payload.json"
jq -r '.dsseEnvelope.signatures[0].sig' "$B" | base64 -d > "$W/sig.bin"
{ printf 'DSSEv1 %d %s %d ' "\${#PT}" "$PT" "$(wc -c < "$W/payload.json")"; cat "$W/payload.json"; } > "$W/pae.bin"
${k.verifySig} || { echo "FAIL: signature does not verify"; exit 1; }

# 4. The statement.
test "$(jq -r ._type "$W/payload.json")" = "${STATEMENT_TYPE}" || { echo "FAIL: not an in-toto Statement v1"; exit 1; }
test "$(jq -r .predicateType "$W/payload.json")" = "${PREDICATE_TYPE}" || { echo "FAIL: unexpected predicateType"; exit 1; }

# 5. Every signed file is present and unchanged (names each FAILED file).
jq -r '.subject[] | "\\(.digest.sha256)  \\(.name)"' "$W/payload.json" | sha256sum --check --strict --quiet || { echo "FAIL: files changed or missing (listed above)"; exit 1; }

# 6. Nothing was added, and everything is a regular file (lines starting with > were not signed).
find . -type l | grep -q . && { echo "FAIL: the pack holds symbolic links:"; find . -type l; exit 1; }
jq -r '.subject[].name' "$W/payload.json" | LC_ALL=C sort > "$W/signed.txt"
find . ! -type d ! -path "./$B" | sed 's|^\\./||' | LC_ALL=C sort > "$W/present.txt"
diff "$W/signed.txt" "$W/present.txt" || { echo "FAIL: the directory does not hold exactly the signed files (> added, < missing)"; exit 1; }

# 7. What was signed.
jq '.predicate | {runId, verdict, startedAt, finishedAt, rto, rpo, scenario: .scenario.sha256, signer}' "$W/payload.json"
echo "OK: evidence pack verified (${o.info.method === 'keyless' ? 'identity $EXPECTED_IDENTITY' : 'key $FPR'})"
\`\`\`

## Trusted timestamp (only when the bundle carries one)

When the pack was signed with a timestamp authority, the bundle holds an RFC 3161 timestamp over
SHA-256 of the signature. Check it against the timestamp authority's CA certificate (\`tsa-ca.pem\`,
from the authority, not from this pack):

\`\`\`sh
jq -r '.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp' ${BUNDLE_FILE} | base64 -d > ts.tsr
jq -r '.dsseEnvelope.signatures[0].sig' ${BUNDLE_FILE} | base64 -d > sig.bin
openssl ts -verify -in ts.tsr -data sig.bin -CAfile tsa-ca.pem
openssl ts -reply -in ts.tsr -text | grep 'Time stamp'
\`\`\`

## With cosign (if you have it)

${cosign(o)}
`;
}
