/**
 * Reads form-encoded query-protocol parameters (EC2 query and awsQuery). Lists appear as
 * `InstanceId.1` (EC2), `Targets.member.1.Id` (ELBv2) or `Filters.Filter.1.Values.Value.1` (RDS):
 * `list(prefix)` accepts all three so each service handler reads them the same way.
 */
export class QueryParams {
  constructor(readonly map: Map<string, string>) {}

  static parse(body: string): QueryParams {
    const m = new Map<string, string>();
    for (const [k, v] of new URLSearchParams(body)) m.set(k, v);
    return new QueryParams(m);
  }

  str(name: string): string | undefined {
    return this.map.get(name);
  }

  bool(name: string): boolean | undefined {
    const v = this.map.get(name);
    return v === undefined ? undefined : v.toLowerCase() === 'true';
  }

  int(name: string): number | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }

  /** The items of a list parameter in index order: each item as its own QueryParams (key '' = scalar). */
  list(prefix: string): QueryParams[] {
    const items = new Map<number, Map<string, string>>();
    const head = `${prefix}.`;
    for (const [k, v] of this.map) {
      if (!k.startsWith(head)) continue;
      const rest = k.slice(head.length).split('.');
      // Skip a wrapper segment such as `member`, `Filter`, `Value` before the index.
      let i = 0;
      if (rest[0] !== undefined && !/^\d+$/.test(rest[0])) i = 1;
      const idx = rest[i];
      if (idx === undefined || !/^\d+$/.test(idx)) continue;
      const sub = rest.slice(i + 1).join('.');
      const n = Number(idx);
      if (!items.has(n)) items.set(n, new Map());
      items.get(n)?.set(sub, v);
    }
    return [...items.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => new QueryParams(m));
  }

  strList(prefix: string): string[] {
    return this.list(prefix)
      .map((p) => p.str(''))
      .filter((s): s is string => s !== undefined);
  }
}
