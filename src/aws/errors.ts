import { DrillproofError } from '../errors.js';
import { iamActionFor } from './iam-actions.js';

/** What we can read from an SDK v3 error without depending on each client's exception classes. */
interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'AuthFailure',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'SlowDown',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'TimeoutError']);

/** The AWS error code of an SDK error (`name` in SDK v3), or undefined for non-AWS errors. */
export function awsErrorCode(err: unknown): string | undefined {
  if (DrillproofError.is(err)) return (err.details.awsCode as string | undefined) ?? undefined;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as SdkErrorLike;
  return e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code;
}

export function isNotFoundCode(code: string | undefined): boolean {
  return code !== undefined && /NotFound|NotFoundFault|NoSuch|ResourceNotFound|InvalidTarget$/.test(code);
}

export function isThrottleCode(code: string | undefined): boolean {
  return code !== undefined && THROTTLED.has(code);
}

const SERVER_BUSY = new Set([
  'InternalError',
  'InternalFailure',
  'ServiceUnavailable',
  'Unavailable',
  'ServerException',
]);
const TIMED_OUT = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
]);

/**
 * A failure that says nothing about the request, only about the moment: throttling, a 5xx answer,
 * a timeout or a reset connection (the errors the SDK itself retries). Repeating the same
 * idempotent call later can succeed. Refusals (access denied, not found, invalid state, any other
 * 4xx) and an endpoint that refuses connections are not transient.
 */
export function isTransientAwsError(err: unknown): boolean {
  if (!DrillproofError.is(err)) return false;
  const code = String(err.details.awsCode ?? '');
  const status = Number(err.details.httpStatus ?? 0);
  if (err.code === 'AwsThrottled' || THROTTLED.has(code)) return true;
  if (ACCESS_DENIED.has(code) || EXPIRED.has(code) || code === 'DryRunOperation') return false;
  return SERVER_BUSY.has(code) || TIMED_OUT.has(code) || (status >= 500 && status <= 599 && status !== 501);
}

/**
 * Translates an SDK error into a DrillproofError whose hint says what to do: AccessDenied names
 * the IAM action to add, expired credentials name the login command, an unreachable endpoint names
 * the endpoint. The AWS code and request id stay in `details` (`awsCode`, `requestId`).
 */
export function translateAwsError(
  err: unknown,
  ctx: { service: string; operation: string; region: string; endpoint?: string; profile?: string },
): DrillproofError {
  if (DrillproofError.is(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SdkErrorLike;
  const code = awsErrorCode(err) ?? 'Unknown';
  const requestId = e.$metadata?.requestId;
  const what = `${ctx.service}:${ctx.operation}`;
  const details = {
    awsCode: code,
    requestId,
    service: ctx.service,
    operation: ctx.operation,
    region: ctx.region,
    // The last answer's HTTP status and the SDK's attempts (fewer than its limit: its retry quota ran dry).
    ...(e.$metadata?.httpStatusCode !== undefined ? { httpStatus: e.$metadata.httpStatusCode } : {}),
    ...(e.$metadata?.attempts !== undefined ? { sdkAttempts: e.$metadata.attempts } : {}),
  };
  const msg = (e.message ?? '').replace(/\s+/g, ' ').trim();
  const action = iamActionFor(ctx.service, ctx.operation);

  if (ACCESS_DENIED.has(code)) {
    return DrillproofError.user('AwsAccessDenied', `${what} was denied in ${ctx.region}: ${msg || code}`, {
      cause: err,
      details: { ...details, iamAction: action },
      hint: `allow the IAM action ${action} for the identity drillproof runs as (see \`drillproof iam-policy\`)`,
    });
  }
  if (code === 'DryRunOperation') {
    return DrillproofError.aws('AwsDryRunOk', `${what} would have succeeded (DryRun)`, { cause: err, details });
  }
  if (EXPIRED.has(code) || code === 'CredentialsProviderError' || /credential/i.test(e.name ?? '')) {
    const login = ctx.profile ? `aws sso login --profile ${ctx.profile}` : 'aws sso login';
    return DrillproofError.user('AwsCredentials', `no usable AWS credentials for ${what}: ${msg || code}`, {
      cause: err,
      details,
      hint: `refresh or configure credentials (e.g. \`${login}\`, AWS_PROFILE, or environment variables)`,
    });
  }
  if (THROTTLED.has(code)) {
    return DrillproofError.aws('AwsThrottled', `${what} was throttled by AWS after retries: ${msg || code}`, {
      cause: err,
      details,
      hint: 'AWS API rate limits were hit; run the drill again later or with fewer watchers',
    });
  }
  if (NETWORK.has(code) || NETWORK.has((e as { code?: string }).code ?? '')) {
    const where = ctx.endpoint ?? `the ${ctx.service} endpoint in ${ctx.region}`;
    return DrillproofError.aws('AwsUnreachable', `${what} could not reach ${where}: ${msg || code}`, {
      cause: err,
      details,
      hint: ctx.endpoint
        ? `check that the endpoint ${ctx.endpoint} is up (for the lab: \`drillproof lab up\`)`
        : 'check network access to AWS and the region',
    });
  }
  if (isNotFoundCode(code)) {
    return DrillproofError.user('AwsResourceNotFound', `${what}: ${msg || code} in ${ctx.region}`, {
      cause: err,
      details,
      hint: 'check the resource id and the region of the scenario target',
    });
  }
  if (
    /InvalidDBInstanceState|InvalidDBClusterState|InvalidDBSnapshotState|IncorrectInstanceState|InvalidParameterCombination|ResourceInUseException/.test(
      code,
    )
  ) {
    return DrillproofError.aws('AwsInvalidState', `${what} refused: ${msg || code}`, { cause: err, details });
  }
  return DrillproofError.aws(
    'AwsCallFailed',
    `${what} failed${e.$fault === 'server' ? ' on the AWS side' : ''}: ${code}${msg && msg !== code ? ` ${msg}` : ''}`,
    { cause: err, details, hint: requestId ? `AWS request id ${requestId}` : undefined },
  );
}
