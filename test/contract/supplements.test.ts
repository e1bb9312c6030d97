import { describe, expect, it } from 'vitest';
import { kindOf, loadServiceModel, resolveShape, type ShapeRef } from './model.js';
import { OUTPUT_SERVICE_SUPPLEMENTS } from './supplements-services.js';
import { V3Cursor } from './v3-types.js';

/** Walks `a.b[]` from the operation's output, in the v2 model and in the v3 types side by side. */
function at(service: string, op: string, path: string) {
  const model = loadServiceModel(service);
  const out = model.operations[op]?.output;
  let shape: ShapeRef | undefined = out ? resolveShape(model, out) : undefined;
  let v3 = V3Cursor.root(service, op, 'output');
  for (const part of path ? path.split('.') : []) {
    const name = part.replace(/\[\]$/, '');
    shape = shape?.members?.[name] ? resolveShape(model, shape.members[name] as ShapeRef) : undefined;
    v3 = v3.child(name);
    if (part.endsWith('[]')) {
      shape = shape && kindOf(shape) === 'list' ? resolveShape(model, shape.member ?? {}) : undefined;
      v3 = v3.item();
    }
  }
  return { shape, v3 };
}

describe('answer members supplemented for services newer than the aws-sdk models', () => {
  for (const [key, byPath] of Object.entries(OUTPUT_SERVICE_SUPPLEMENTS)) {
    const [service, op] = key.split(':') as [string, string];
    it(key, () => {
      for (const [path, members] of Object.entries(byPath)) {
        const { shape, v3 } = at(service, op, path);
        expect(shape, `${key} ${path} is a structure of the v2 model`).toBeDefined();
        for (const [name, ref] of Object.entries(members)) {
          // Really missing from the old model, present in the v3 client's types, with a cited page.
          expect(shape?.members?.[name], `${key} ${path}.${name} in the v2 model`).toBeUndefined();
          expect(v3.member(name), `${key} ${path}.${name} in the v3 types`).toBeDefined();
          expect(ref.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
        }
      }
    });
  }
});
