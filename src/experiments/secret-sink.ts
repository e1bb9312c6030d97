import type { MessageSink } from '../io/messages.js';
import { isSecretKey, registerEnvSecrets, registerSecret, scrubSecretsIn } from '../util/secrets.js';

/** A sink that removes every known secret value from messages and progress before passing them on. */
export function scrubbingSink(sink: MessageSink): MessageSink {
  return {
    emit: (msg) => sink.emit(scrubSecretsIn(msg)),
    ...(sink.progress ? { progress: (p) => sink.progress?.(scrubSecretsIn(p)) } : {}),
  };
}

/**
 * Registers what a drill knows to be secret before anything is written: the credentials of the
 * process environment and every value under a credential-named key of the resolved scenario
 * (headers, env maps, parameters). A value still holding `${env.X}` is a reference expanded at
 * run time (exec, http steps), which registers the value then.
 */
export function registerDrillSecrets(env: Record<string, string | undefined>, scenario: unknown): void {
  registerEnvSecrets(env);
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string' && isSecretKey(k) && !x.includes('${env.')) registerSecret(x);
        else walk(x);
      }
    }
  };
  walk(scenario);
}
