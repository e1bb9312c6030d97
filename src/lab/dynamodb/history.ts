/** A DynamoDB attribute value map as it travels on the wire (`{ pk: { S: 'a' } }`). */
export type Item = Record<string, unknown>;

interface Change {
  at: number;
  key: string;
  item: Item | null;
}

/**
 * Every write a table took, with the time it was acknowledged: the lab's stand-in for DynamoDB's
 * continuous backups. `stateAt(t)` replays the changes up to `t`, which is what a point-in-time
 * restore builds the new table from.
 */
export class TableHistory {
  private readonly changes: Change[] = [];

  constructor(readonly keyNames: string[]) {}

  keyOf(item: Item): string {
    return JSON.stringify(this.keyNames.map((k) => item[k] ?? null));
  }

  /** A full new image of the item (PutItem, UpdateItem read-back) or null when it was deleted. */
  record(at: number, key: Item, image: Item | null): void {
    const last = this.changes[this.changes.length - 1];
    // Times never go backwards within a table, even if the wall clock does.
    const t = last && last.at > at ? last.at : at;
    this.changes.push({ at: t, key: this.keyOf(key), item: image });
  }

  /** The items the table held at time `t` (epoch ms, inclusive). */
  stateAt(t: number): Item[] {
    const state = new Map<string, Item>();
    for (const c of this.changes) {
      if (c.at > t) break;
      if (c.item) state.set(c.key, c.item);
      else state.delete(c.key);
    }
    return [...state.values()];
  }

  get size(): number {
    return this.changes.length;
  }
}
