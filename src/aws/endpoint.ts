/**
 * The endpoint the SDK will use when none is passed: the SDK reads `AWS_ENDPOINT_URL` (and
 * `AWS_ENDPOINT_URL_<SERVICE>`) from the environment unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`
 * is set. drillproof records it in the journal so `recover` goes where the drill went.
 * See https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */
export function configuredEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return undefined;
  const v = env.AWS_ENDPOINT_URL?.trim();
  return v ? v : undefined;
}
