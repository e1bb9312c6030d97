/**
 * How deeply a YAML text nests, measured before it is parsed: the YAML parser recurses per level,
 * so a 1 MB file of `[` or `- - - …` costs seconds, a gigabyte and a stack overflow per level.
 * A scenario nests a handful of levels; anything past `MAX_YAML_DEPTH` is refused up front.
 *
 * The scan counts flow collections (`[`, `{` outside quotes and comments) and block levels (an
 * indentation deeper than the enclosing one, and each `- ` or `? ` entry marker opening a nested
 * node on the same line). It may over-count odd but valid layouts; the limit leaves room for that.
 */
export const MAX_YAML_DEPTH = 64;

export interface DepthExceeded {
  depth: number;
  /** 0-based offset of the character that went past the limit. */
  offset: number;
}

/** The first place where the nesting exceeds `max`, if any. */
export function yamlDepthExceeded(text: string, max = MAX_YAML_DEPTH): DepthExceeded | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | null = null;
  let lineStart = true;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (lineStart && flow === 0 && quote === null) {
      lineStart = false;
      let indent = 0;
      while (text[i + indent] === ' ') indent++;
      const next = text[i + indent];
      if (next === undefined || next === '\n' || next === '\r' || next === '#') {
        i += indent;
        continue;
      }
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
      indents.push(indent);
      let j = i + indent;
      let markers = 0;
      while ((text[j] === '-' || text[j] === '?') && (text[j + 1] === ' ' || text[j + 1] === '\t')) {
        markers++;
        j += 2;
        while (text[j] === ' ' || text[j] === '\t') j++;
      }
      if (indents.length + markers > max) return { depth: indents.length + markers, offset: j };
      i = j;
      continue;
    }
    if (quote !== null) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++;
        else quote = null;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    } else if (c === '[' || c === '{') {
      flow++;
      if (indents.length + flow > max) return { depth: indents.length + flow, offset: i };
    } else if ((c === ']' || c === '}') && flow > 0) {
      flow--;
    }
    if (c === '\n') lineStart = true;
    i++;
  }
  return undefined;
}
