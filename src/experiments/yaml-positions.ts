import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/**
 * Maps a field path (as zod reports it) to a line and column in the YAML source, so every problem
 * can be shown as `file:line:col`. When the path does not exist (a missing key), the position is
 * that of the nearest existing ancestor: the key that owns it, so editors jump to the right block.
 */
export interface LineCol {
  line: number;
  col: number;
}

function start(node: unknown): number | undefined {
  const r = (node as { range?: [number, number, number] } | null)?.range;
  return r ? r[0] : undefined;
}

function keyMatches(key: unknown, seg: PropertyKey): boolean {
  if (isScalar(key)) return String(key.value) === String(seg);
  return String(key) === String(seg);
}

export function positionOf(
  doc: Document,
  lc: LineCounter,
  path: readonly PropertyKey[],
  opts: { key?: boolean } = {},
): LineCol {
  let node: unknown = doc.contents;
  // Offset of the best anchor so far: the key of the deepest pair found, else the node itself.
  let anchor = start(node) ?? 0;
  let seen = 0;
  for (const [i, seg] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, seg));
      if (!pair) break;
      const keyStart = start(pair.key);
      if (last && opts.key && keyStart !== undefined) return lc.linePos(keyStart) as LineCol;
      node = pair.value;
      anchor = start(pair.value) ?? keyStart ?? anchor;
      if (start(pair.value) === undefined || (isScalar(pair.value) && pair.value.value === null && !last)) {
        anchor = keyStart ?? anchor;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      node = item;
      anchor = start(item) ?? anchor;
    } else {
      break;
    }
    seen = i + 1;
  }
  // A missing child of a block mapping: point at the key that owns the mapping (its line names it).
  if (seen < path.length && isMap(node) && !node.flow && seen > 0) {
    const ownerKey = ownerKeyStart(doc, path.slice(0, seen));
    if (ownerKey !== undefined) anchor = ownerKey;
  }
  return lc.linePos(anchor) as LineCol;
}

function ownerKeyStart(doc: Document, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let keyStart: number | undefined;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, seg));
      if (!pair) return keyStart;
      keyStart = start(pair.key);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      keyStart = start(node);
    } else return keyStart;
  }
  return keyStart;
}

export type { Node };

/**
 * The field path of the deepest node whose source range contains `offset` (for YAML errors such
 * as duplicate keys, which the parser reports by offset only).
 */
export function pathAtOffset(doc: Document, offset: number): (string | number)[] {
  const path: (string | number)[] = [];
  let node: unknown = doc.contents;
  const within = (n: unknown) => {
    const r = (n as { range?: [number, number, number] } | null)?.range;
    return r !== undefined && offset >= r[0] && offset <= r[2];
  };
  for (let depth = 0; depth < 100; depth++) {
    if (isMap(node)) {
      let next: unknown;
      for (const p of node.items) {
        if (!isPair(p)) continue;
        if (within(p.key) || within(p.value)) {
          path.push(isScalar(p.key) ? String(p.key.value) : String(p.key));
          next = within(p.value) ? p.value : undefined;
        }
      }
      if (next === undefined) break;
      node = next;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((item) => within(item));
      if (i < 0) break;
      path.push(i);
      node = node.items[i];
    } else break;
  }
  return path;
}
