import { name, text } from '../../scenario/common.js';
import type { PlanContext } from '../plan/context.js';
import { describeSelector } from '../resources/registry.js';

/** The keys every fault step has. */
export const stepShape = {
  id: name.meta({ description: 'Step id, unique among the faults; appears in the journal and report.' }),
  description: text.optional(),
};

/** A step key naming an entry of `resources` (checked by the scenario cross-check). */
export const resourceName = name.meta({ description: 'Name of an entry in resources.' });

export const S = 1000;
export const M = 60 * S;

/** A plan target: the resource name and its selector in words. */
export function planTarget(ctx: PlanContext, name: string): { resource: string; selector: string } {
  const r = ctx.resources[name];
  return { resource: name, selector: r ? describeSelector(r) : name };
}
