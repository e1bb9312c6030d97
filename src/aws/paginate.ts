/**
 * Paged list operations, read to the end through the SDK's own `paginate*` helpers. Each page is
 * one recorded call; the pages are merged into one output whose list members hold every item, so
 * callers read `Reservations`, `DBInstances`, `Events` ... as if AWS had answered in one page.
 */
type Paginator<I, O> = (config: { client: never; stopOnSameToken?: boolean }, input: I) => AsyncIterable<O>;

/** At most this many pages per call: a misbehaving endpoint cannot make drillproof loop forever. */
export const MAX_PAGES = 1000;

export interface PageHooks<I> {
  /** Called once per page with the request just made (its token included), before the next one. */
  page(input: I, page: unknown, startedMs: number): void;
  failed(input: I, err: unknown, startedMs: number): never;
}

export async function readAllPages<I extends object, O extends object>(
  paginate: Paginator<I, O>,
  client: unknown,
  input: I,
  listKeys: string[],
  hooks: PageHooks<I>,
  /** Counts of each page that add up (DynamoDB Query / Scan `Count`, `ScannedCount`). */
  sumKeys: string[] = [],
): Promise<O> {
  const req = { ...input };
  const it = paginate({ client: client as never, stopOnSameToken: true }, req)[Symbol.asyncIterator]();
  const merged: Record<string, unknown[]> = {};
  const sums: Record<string, number> = {};
  let last: O | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const started = performance.now();
    let r: IteratorResult<O>;
    try {
      r = await it.next();
    } catch (err) {
      hooks.failed(defined(req), err, started);
    }
    if (r.done) break;
    hooks.page(defined(req), r.value, started);
    last = r.value;
    for (const k of listKeys) {
      const items = (r.value as Record<string, unknown>)[k];
      if (!Array.isArray(items)) continue;
      const into = merged[k] ?? [];
      into.push(...items);
      merged[k] = into;
    }
    for (const k of sumKeys) {
      const v = (r.value as Record<string, unknown>)[k];
      if (typeof v === 'number') sums[k] = (sums[k] ?? 0) + v;
    }
  }
  const out = { ...(last ?? {}) } as Record<string, unknown>;
  for (const k of listKeys) if (merged[k]) out[k] = merged[k];
  for (const [k, v] of Object.entries(sums)) out[k] = v;
  // Every page was read: no token to hand on.
  for (const k of ['NextToken', 'nextToken', 'Marker', 'NextMarker']) delete out[k];
  return out as O;
}

/** The request as sent: the paginator sets its token member to undefined on the first page. */
function defined<I extends object>(req: I): I {
  return Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) as I;
}
