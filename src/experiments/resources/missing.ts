import { DrillproofError } from '../../errors.js';

/** A selector that matches nothing: a failed preflight (exit 3), nothing is injected. */
export function missing(name: string, what: string): DrillproofError {
  return DrillproofError.user('ResourceMissing', `resource ${name}: ${what}`, {
    exitCode: 3,
    hint: 'check the selector (ids, tags, target group, az, state) and the region of the scenario target',
  });
}

export function rethrowMissing(err: unknown, name: string): never {
  if (DrillproofError.is(err) && err.code === 'AwsResourceNotFound') throw missing(name, err.message);
  throw err;
}

/** AWS tag lists (`[{Key, Value}]`) as a map. */
export function tagsOf(
  list: { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  return tags;
}
