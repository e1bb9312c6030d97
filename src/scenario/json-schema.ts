/**
 * "One of these keys" rules live in zod refinements, which JSON Schema output cannot see. The
 * modules that own a schema (a probe kind, a resource type, a fault type) add them to the
 * generated JSON Schema with these, so editors reject the same entries drillproof does.
 */
export type JsonSchemaOverride = (js: Record<string, unknown>) => void;

export const oneOfKeys =
  (keys: string[]): JsonSchemaOverride =>
  (js) => {
    js.oneOf = keys.map((k) => ({ required: [k] }));
  };

export const anyOfKeys =
  (keys: string[]): JsonSchemaOverride =>
  (js) => {
    js.anyOf = keys.map((k) => ({ required: [k] }));
  };

export const requireKey =
  (key: string): JsonSchemaOverride =>
  (js) => {
    js.required = [...new Set([...((js.required as string[] | undefined) ?? []), key])];
  };
