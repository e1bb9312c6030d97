import { ApiError } from './errors.js';

/**
 * The lab checks no signatures. One convention stands in for IAM: credentials whose access key id
 * starts with `readonly` may only read (Describe / List / Get); anything else answers the service's
 * access-denied error, so a tool's permission preflight can be tested.
 */
export function isReadOnlyKey(accessKeyId: string): boolean {
  return accessKeyId.toLowerCase().startsWith('readonly');
}

export function isReadAction(action: string): boolean {
  return /^(Describe|List|Get)/.test(action);
}

export function deniedFor(service: string, action: string): ApiError {
  const arn = 'arn:aws:iam::000000000000:user/readonly';
  if (service === 'ec2') {
    return new ApiError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: ${arn} is not authorized to perform: ec2:${action}`,
      403,
    );
  }
  if (service === 'fis') {
    return new ApiError('AccessDeniedException', `User: ${arn} is not authorized to perform: fis:${action}`, 403);
  }
  return new ApiError('AccessDenied', `User: ${arn} is not authorized to perform: ${service}:${action}`, 403);
}

/** EC2-style filter value match: `*` and `?` wildcards. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}
