import { ApiError } from '../api/errors.js';
import { actionDef } from './catalog.js';
import { parseSelectionMode } from './targets.js';
import type { TemplateAction, TemplateTarget } from './types.js';

const validation = (m: string) => new ApiError('ValidationException', m, 400);

/**
 * Checks a CreateExperimentTemplate body the way FIS does: required fields, ARNs or tags (not both),
 * selection modes, action target keys and resource types, startAfter names. Actions keep only the
 * members of the FIS API (actionId, description, parameters, targets, startAfter): anything else,
 * such as `startAfterDelay`, is not part of the API and is neither stored nor honoured.
 */
export function validateTemplate(input: Record<string, unknown>): {
  targets: Record<string, TemplateTarget>;
  actions: Record<string, TemplateAction>;
} {
  const targets = (input.targets ?? {}) as Record<string, TemplateTarget>;
  const actions: Record<string, TemplateAction> = {};
  for (const [name, a] of Object.entries((input.actions ?? {}) as Record<string, TemplateAction>)) {
    const { actionId, description, parameters, targets: t, startAfter } = a ?? ({} as TemplateAction);
    actions[name] = {
      actionId,
      ...(description !== undefined ? { description } : {}),
      ...(parameters !== undefined ? { parameters } : {}),
      ...(t !== undefined ? { targets: t } : {}),
      ...(startAfter !== undefined ? { startAfter } : {}),
    };
  }
  if (typeof input.description !== 'string') throw validation('description is required');
  if (!Array.isArray(input.stopConditions) || input.stopConditions.length === 0) {
    throw validation('stopConditions is required');
  }
  if (typeof input.roleArn !== 'string') throw validation('roleArn is required');
  if (Object.keys(actions).length === 0) throw validation('The experiment template must contain at least one action');
  for (const [name, t] of Object.entries(targets)) {
    if (!t.resourceType) throw validation(`Target ${name}: resourceType is required`);
    const arns = t.resourceArns?.length ?? 0;
    const tags = Object.keys(t.resourceTags ?? {}).length;
    if (arns > 0 && tags > 0) throw validation(`Target ${name}: you cannot specify both resourceArns and resourceTags`);
    if (arns === 0 && tags === 0 && !t.parameters?.availabilityZoneIdentifier && !t.filters?.length) {
      throw validation(`Target ${name}: you must specify at least one resource ARN or resource tag`);
    }
    if (!t.selectionMode || !parseSelectionMode(t.selectionMode)) {
      throw validation(`Target ${name}: selectionMode must be ALL, COUNT(n) or PERCENT(n), not ${t.selectionMode}`);
    }
  }
  for (const [name, a] of Object.entries(actions)) {
    if (!/^aws:[a-z0-9-]+:[a-z0-9-]+$/.test(a.actionId ?? ''))
      throw validation(`Action ${name}: invalid actionId ${a.actionId}`);
    for (const [key, target] of Object.entries(a.targets ?? {})) {
      if (!targets[target]) throw validation(`Action ${name}: target ${key} references unknown target ${target}`);
      const def = actionDef(a.actionId);
      const want = def?.targets[key];
      if (def && !want) throw validation(`Action ${name}: ${a.actionId} has no target key ${key}`);
      if (want && targets[target]?.resourceType !== want) {
        throw validation(`Action ${name}: target ${target} must have resource type ${want}`);
      }
    }
    for (const after of a.startAfter ?? []) {
      if (!actions[after]) throw validation(`Action ${name}: startAfter references unknown action ${after}`);
    }
  }
  return { targets, actions };
}
