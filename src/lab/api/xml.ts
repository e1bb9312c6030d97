/**
 * A tiny XML writer for the query protocols (EC2 query, awsQuery). Lists carry their member element
 * name explicitly because the SDK parses by it: EC2 lists are `<xxxSet><item>`, ELBv2 lists use
 * `<member>`, RDS lists use the shape name (`<DBInstance>`, `<Event>` ...). A wrong member name does
 * not fail: the SDK silently returns an empty list.
 */
export type XmlValue = string | number | boolean | Date | undefined | null | XmlList | XmlObject;
export interface XmlObject {
  [key: string]: XmlValue;
}

export class XmlList {
  constructor(
    readonly member: string,
    readonly items: XmlValue[],
  ) {}
}

/** A list whose items are written as `<member>...</member>` elements. */
export const list = (member: string, items: XmlValue[]): XmlList => new XmlList(member, items);

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === "'" ? '&apos;' : '&quot;',
  );
}

function scalar(v: string | number | boolean | Date): string {
  if (v instanceof Date) return v.toISOString();
  return escapeXml(String(v));
}

/** Writes `<name>value</name>`; undefined and null are omitted entirely. */
export function element(name: string, v: XmlValue): string {
  if (v === undefined || v === null) return '';
  if (v instanceof XmlList) return `<${name}>${v.items.map((i) => element(v.member, i)).join('')}</${name}>`;
  if (typeof v === 'object' && !(v instanceof Date)) {
    return `<${name}>${Object.entries(v)
      .map(([k, x]) => element(k, x))
      .join('')}</${name}>`;
  }
  return `<${name}>${scalar(v)}</${name}>`;
}

/** Writes the body of an XML document with a namespace on the root element. */
export function document(root: string, xmlns: string, body: XmlObject): string {
  const inner = Object.entries(body)
    .map(([k, x]) => element(k, x))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${xmlns}">${inner}</${root}>`;
}
