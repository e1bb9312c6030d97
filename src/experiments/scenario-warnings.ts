import { type FisTemplate, OBSERVABLE_FIS_ACTIONS, templatePlaceholders } from './fis-template.js';
import type { Scenario } from './schema/scenario.js';

export interface ScenarioWarning {
  code: string;
  message: string;
  path: PropertyKey[];
  hint?: string;
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-auth-token']);

/**
 * Things that are allowed but deserve a look: FIS actions drillproof cannot observe, irreversible
 * faults, missing safety nets, secrets written inline. `fisTemplates` holds the templates read
 * from `templateFile`, by fault id.
 */
export function scenarioWarnings(s: Scenario, fisTemplates: Record<string, FisTemplate>): ScenarioWarning[] {
  const out: ScenarioWarning[] = [];
  const used = new Set<string>();

  s.steps.faults.forEach((f, i) => {
    const at: PropertyKey[] = ['steps', 'faults', i];
    if ('resource' in f) used.add(f.resource);
    if (f.type === 'elbv2-deregister') used.add(f.targetGroup);
    if (f.type === 'az-impairment') {
      for (const r of f.resources) used.add(r);
      if (f.database) used.add(f.database);
    }
    if (f.type === 'ec2-terminate') {
      out.push({
        code: 'FaultIrreversible',
        message: 'ec2-terminate cannot be undone: rollback cannot bring the instances back',
        path: [...at, 'type'],
        hint: 'make sure an Auto Scaling group replaces them, or use ec2-stop',
      });
    }
    if (f.type === 'exec' && !f.inverse && s.rollback.mode === 'auto') {
      out.push({
        code: 'FaultWithoutInverse',
        message: `exec fault "${f.id}" has no inverse: rollback will not undo it`,
        path: [...at, 'command'],
        hint: 'add inverse: [program, args...] if the command changes anything',
      });
    }
    if (f.type === 'fis-experiment') {
      const template = f.template ?? fisTemplates[f.id];
      const tPath: PropertyKey[] = f.template ? [...at, 'template'] : [...at, 'templateFile'];
      if (template) {
        for (const [name, action] of Object.entries(template.actions)) {
          if (!OBSERVABLE_FIS_ACTIONS.has(action.actionId)) {
            out.push({
              code: 'FisActionNotObservable',
              message: `FIS action "${name}" (${action.actionId}) runs through FIS, but drillproof cannot watch its effect`,
              path: f.template ? [...tPath, 'actions', name, 'actionId'] : tPath,
              hint: 'its effect shows only through the probes; make sure a probe covers what it breaks',
            });
          }
        }
        for (const [name, action] of Object.entries(template.actions)) {
          if (action.startAfterDelay === undefined) continue;
          out.push({
            code: 'FisStartAfterDelayUnsupported',
            message: `FIS action "${name}" has startAfterDelay, which AWS FIS does not support (it is not in the FIS API): drillproof drops it and the action starts without the delay`,
            path: f.template ? [...tPath, 'actions', name, 'startAfterDelay'] : tPath,
            hint: `to wait ${action.startAfterDelay}, add an aws:fis:wait action with duration ${action.startAfterDelay} and list it in startAfter`,
          });
        }
        const holes = templatePlaceholders(template);
        if (holes.length > 0 && s.target.provider === 'aws' && !f.roleArn) {
          out.push({
            code: 'FisTemplatePlaceholder',
            message: `the FIS template still contains placeholders: ${holes.join(', ')}`,
            path: tPath,
            hint: 'fill them in, or set roleArn on the fault to override the template role',
          });
        }
      }
    }
  });

  for (const name of Object.keys(s.resources)) {
    if (!used.has(name)) {
      out.push({
        code: 'ResourceUnused',
        message: `resource "${name}" is not used by any fault`,
        path: ['resources', name],
      });
    }
  }

  s.probes.forEach((p, i) => {
    if (p.type !== 'http') return;
    for (const [h, v] of Object.entries(p.headers ?? {})) {
      if (SECRET_HEADERS.has(h.toLowerCase()) && !v.includes('${env.')) {
        out.push({
          code: 'SecretInline',
          message: `header ${h} looks like a credential written inline; the scenario is copied into the evidence pack`,
          path: ['probes', i, 'headers', h],
          hint: `write ${h}: "\${env.NAME}" and set NAME in the environment`,
        });
      }
    }
  });

  if (s.target.provider === 'aws' && !s.guardrails.requiredTag) {
    out.push({
      code: 'GuardrailMissing',
      message: 'no guardrails.requiredTag: any resource matching the selectors can be broken',
      path: ['target', 'provider'],
      hint: 'add guardrails.requiredTag {key: drillproof, value: allowed} and tag the resources a drill may touch',
    });
  }
  if (s.rollback.mode === 'explicit') {
    out.push({
      code: 'RollbackExplicit',
      message: "rollback mode explicit: the faults' own inverses will not run",
      path: ['rollback', 'mode'],
    });
  }
  const o = s.objectives;
  if (!o.rto && !o.rpo && !o.latency.length && !o.availability.length && !o.maxErrorRate.length) {
    out.push({
      code: 'NoObjectives',
      message: 'no objectives: the drill passes whenever it completes and rolls back',
      path: [],
      hint: 'add objectives such as rto: 60s',
    });
  }
  return out;
}
