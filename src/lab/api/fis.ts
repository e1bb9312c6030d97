import { LAB_ACTIONS } from '../fis/catalog.js';
import type { FisEngine } from '../fis/engine.js';
import type { Experiment, ExperimentTemplate } from '../fis/types.js';
import { deniedFor, isReadOnlyKey } from './auth.js';
import { ApiError } from './errors.js';
import { type ApiReply, type ApiRequest, jsonError, jsonReply, toApiError } from './protocol.js';

function templateOut(t: ExperimentTemplate) {
  const { arn: _arn, ...rest } = t;
  return rest;
}

function experimentOut(e: Experiment) {
  return e;
}

function page<T>(items: T[], q: URLSearchParams): { items: T[]; nextToken?: string } {
  const max = Number(q.get('maxResults') ?? '100') || 100;
  const start = Number(q.get('nextToken') ?? '0') || 0;
  const slice = items.slice(start, start + max);
  return start + max < items.length ? { items: slice, nextToken: String(start + max) } : { items: slice };
}

function body(req: ApiRequest): Record<string, unknown> {
  if (!req.body) return {};
  try {
    return JSON.parse(req.body) as Record<string, unknown>;
  } catch {
    throw new ApiError('ValidationException', 'The request body is not valid JSON', 400);
  }
}

/** FIS over restJson1: routes by method and path, errors in the `x-amzn-errortype` header. */
export function fisHandler(fis: FisEngine): (req: ApiRequest) => ApiReply {
  const mutating = (req: ApiRequest, op: string) => {
    if (isReadOnlyKey(req.accessKeyId)) throw deniedFor('fis', op);
  };
  return (req) => {
    try {
      const parts = req.path.split('/').filter(Boolean).map(decodeURIComponent);
      const [res, id, extra] = parts;
      if (extra !== undefined)
        throw new ApiError('UnknownOperationException', `no FIS route for ${req.method} ${req.path}`, 404);
      const m = req.method;
      if (res === 'experimentTemplates') {
        if (m === 'POST' && !id) {
          mutating(req, 'CreateExperimentTemplate');
          return jsonReply(200, { experimentTemplate: templateOut(fis.createTemplate(body(req))) });
        }
        if (m === 'GET' && !id) {
          const p = page([...fis.templates.values()], req.query);
          return jsonReply(200, {
            experimentTemplates: p.items.map((t) => ({
              id: t.id,
              description: t.description,
              creationTime: t.creationTime,
              lastUpdateTime: t.lastUpdateTime,
              tags: t.tags,
            })),
            nextToken: p.nextToken,
          });
        }
        if (m === 'GET' && id) return jsonReply(200, { experimentTemplate: templateOut(fis.template(id)) });
        if (m === 'DELETE' && id) {
          mutating(req, 'DeleteExperimentTemplate');
          return jsonReply(200, { experimentTemplate: templateOut(fis.deleteTemplate(id)) });
        }
      }
      if (res === 'experiments') {
        if (m === 'POST' && !id) {
          mutating(req, 'StartExperiment');
          const b = body(req);
          const tid = b.experimentTemplateId;
          if (typeof tid !== 'string')
            throw new ApiError('ValidationException', 'experimentTemplateId is required', 400);
          const mode = (b.experimentOptions as { actionsMode?: string } | undefined)?.actionsMode ?? 'run-all';
          return jsonReply(200, {
            experiment: experimentOut(fis.start(tid, (b.tags ?? {}) as Record<string, string>, mode)),
          });
        }
        if (m === 'GET' && !id) {
          const tid = req.query.get('experimentTemplateId');
          const all = [...fis.experiments.values()].filter((e) => !tid || e.experimentTemplateId === tid);
          const p = page(all, req.query);
          return jsonReply(200, {
            experiments: p.items.map((e) => ({
              id: e.id,
              experimentTemplateId: e.experimentTemplateId,
              state: e.state,
              creationTime: e.creationTime,
              tags: e.tags,
            })),
            nextToken: p.nextToken,
          });
        }
        if (m === 'GET' && id) return jsonReply(200, { experiment: experimentOut(fis.experiment(id)) });
        if (m === 'DELETE' && id) {
          mutating(req, 'StopExperiment');
          return jsonReply(200, { experiment: experimentOut(fis.stop(id)) });
        }
      }
      if (res === 'actions' && m === 'GET') {
        const toOut = (a: (typeof LAB_ACTIONS)[number]) => ({
          id: a.id,
          description: a.description,
          targets: Object.fromEntries(Object.entries(a.targets).map(([k, v]) => [k, { resourceType: v }])),
          tags: {},
        });
        if (!id) return jsonReply(200, { actions: LAB_ACTIONS.map(toOut) });
        const a = LAB_ACTIONS.find((x) => x.id === id);
        if (!a) throw new ApiError('ResourceNotFoundException', `Action not found: ${id}`, 404);
        return jsonReply(200, { action: { ...toOut(a), parameters: a.parameters } });
      }
      throw new ApiError('UnknownOperationException', `no FIS route for ${req.method} ${req.path}`, 404);
    } catch (e) {
      return jsonError(toApiError(e));
    }
  };
}
