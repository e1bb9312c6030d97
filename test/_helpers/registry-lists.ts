import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { repoRoot } from './scenario-files.js';

/**
 * The lists of types a registry's union shows up in, read from the files users see: the generated
 * JSON Schema and docs/scenario-reference.md. Each registry test compares its registry with them.
 */
const reference = readFileSync(join(repoRoot, 'docs/scenario-reference.md'), 'utf8');
const jsonSchema = JSON.parse(readFileSync(join(repoRoot, 'schema/scenario.schema.json'), 'utf8')) as JsonNode;

interface JsonNode {
  properties?: Record<string, JsonNode>;
  items?: JsonNode;
  additionalProperties?: JsonNode;
  oneOf?: JsonNode[];
  const?: unknown;
}

/** The `type` literal of every option of a discriminated union, in order. */
export function unionTypes(schema: z.ZodType): string[] {
  const options = (schema as unknown as { options: { shape: { type: { value: string } } }[] }).options;
  return options.map((o) => o.shape.type.value);
}

/** The `type` consts of the JSON Schema `oneOf` at a path (`items` / `additionalProperties` followed). */
export function jsonSchemaTypes(path: string[]): string[] {
  let node: JsonNode | undefined = jsonSchema;
  for (const key of path) node = node?.properties?.[key];
  const union = (node?.items ?? node?.additionalProperties)?.oneOf ?? [];
  return union.map((o) => String(o.properties?.type?.const));
}

/** The types of the reference's `### <section> (type: X)` headings, in order. */
export function referenceHeadings(section: string): string[] {
  const esc = section.replace(/[.*+?^${}()|[\]\\<>]/g, '\\$&');
  return [...reference.matchAll(new RegExp(`^### ${esc} \\(type: ([a-z0-9-]+)\\)$`, 'gm'))].map((m) => m[1] as string);
}

/** The types the reference's table row of `field` lists (`... one of type \`a\`, \`b\` ...`). */
export function referenceRowTypes(field: string): string[] {
  const row = reference.split('\n').find((l) => l.startsWith(`| \`${field}\` `));
  const cell = /one of type ((?:`[a-z0-9-]+`(?:, )?)+)/.exec(row ?? '')?.[1] ?? '';
  return [...cell.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1] as string);
}
