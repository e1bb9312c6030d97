import { describe, expect, it } from 'vitest';
import { PROBE_KINDS, PROBE_TYPES, probeKind, probeSchema } from '../../../src/probes/kinds/registry.js';
import { meaningOf } from '../../../src/run/samples.js';
import { jsonSchemaTypes, referenceHeadings, referenceRowTypes, unionTypes } from '../../_helpers/registry-lists.js';

/** One probe kind is one module: the schema union, the JSON Schema and the reference are the registry's. */
describe('probe kind registry', () => {
  it('the scenario schema union is the registry, in its order', () => {
    expect(unionTypes(probeSchema)).toEqual([...PROBE_TYPES]);
    expect(PROBE_KINDS.map((k) => probeKind(k.kind))).toEqual([...PROBE_KINDS]);
  });

  it('the generated JSON Schema and docs/scenario-reference.md list exactly the registered kinds', () => {
    expect(jsonSchemaTypes(['probes'])).toEqual([...PROBE_TYPES]);
    expect(referenceRowTypes('probes')).toEqual([...PROBE_TYPES]);
    expect(referenceHeadings('probes[]')).toEqual([...PROBE_TYPES]);
  });

  it('the measurements read what a kind measures from its sample header, not from a list of kinds', () => {
    for (const k of PROBE_KINDS) {
      expect(['user', 'service', 'none'], k.kind).toContain(k.measures.rto);
      expect(meaningOf({ kind: k.kind, measures: k.measures }), k.kind).toEqual(k.measures);
      expect(meaningOf({ kind: 'a-kind-added-later', measures: k.measures }), k.kind).toEqual(k.measures);
    }
  });
});
