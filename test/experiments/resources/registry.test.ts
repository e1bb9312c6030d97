import { describe, expect, it } from 'vitest';
import {
  RESOURCE_KINDS,
  RESOURCE_TYPES,
  resourceKind,
  resourceSchema,
} from '../../../src/experiments/resources/registry.js';
import { jsonSchemaTypes, referenceHeadings, referenceRowTypes, unionTypes } from '../../_helpers/registry-lists.js';

/** One resource type is one module: the schema union, the JSON Schema and the reference are the registry's. */
describe('resource type registry', () => {
  it('the scenario schema union is the registry, in its order', () => {
    expect(unionTypes(resourceSchema)).toEqual([...RESOURCE_TYPES]);
    expect(RESOURCE_KINDS.map((r) => resourceKind(r.type))).toEqual([...RESOURCE_KINDS]);
  });

  it('the generated JSON Schema and docs/scenario-reference.md list exactly the registered types', () => {
    expect(jsonSchemaTypes(['resources'])).toEqual([...RESOURCE_TYPES]);
    expect(referenceRowTypes('resources')).toEqual([...RESOURCE_TYPES]);
    expect(referenceRowTypes('resources.<name>')).toEqual([...RESOURCE_TYPES]);
    expect(referenceHeadings('resources.<name>')).toEqual([...RESOURCE_TYPES]);
  });
});
