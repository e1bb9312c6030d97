import { message } from '../../../io/messages.js';
import type { ServiceReplacement } from '../../../run/replacements.js';
import type { FaultAction } from '../types.js';

/**
 * az-impairment: says so, loudly, when the service scheduler placed a replacement back into the
 * AZ the drill impairs (the run then did not prove the service survives without that AZ). The
 * follow-up's detail, its `replacement` record (`impairedAz`, `intoImpairedAz`) and a warning say it.
 */
export function flagImpairedAzPlacements(a: FaultAction, az: string): FaultAction {
  const followUp = a.followUp;
  if (!followUp) return a;
  return {
    ...a,
    followUp: async (c) => {
      const r = await followUp(c);
      const rep = r.data?.replacement as ServiceReplacement | undefined;
      if (!rep) return r;
      const into = rep.replacements.filter((x) => x.az === az).map((x) => x.task);
      if (into.length) {
        c.sink.emit(
          message(
            'warn',
            'DP_OBSERVE_W5401',
            `${a.stepId}: service ${rep.service} replaced into the impaired AZ ${az}: ${into.join(', ')}`,
            { service: rep.service, az, tasks: into },
          ),
        );
      }
      return {
        ...r,
        detail: into.length ? `${r.detail}; replaced into the impaired AZ ${az} (${into.join(', ')})` : r.detail,
        data: { ...r.data, replacement: { ...rep, impairedAz: az, intoImpairedAz: into } },
      };
    },
  };
}
