import { DrillproofError } from '../errors.js';

export type ConfirmMode = 'auto' | 'always' | 'never';

export interface ConfirmInput {
  mode: ConfirmMode;
  provider: 'aws' | 'lab';
  yes: boolean;
  interactive: boolean;
  /** Asks the operator; resolves true to go ahead. Only called when interactive. */
  ask?: (question: string) => Promise<boolean>;
  /** What will be broken, for the question. */
  summary: string;
}

/**
 * Decides whether a drill may inject. `auto` asks for real AWS targets and not for the lab;
 * `always` asks everywhere; `never` never asks. `--yes` answers yes. Without a terminal and without
 * `--yes` a drill that needs confirmation is refused, never silently run.
 * @throws DrillproofError `ConfirmationRequired` (exit 2) or `ConfirmationDeclined` (exit 3)
 */
export async function confirmInjection(i: ConfirmInput): Promise<'not-needed' | 'yes-flag' | 'confirmed'> {
  const needed = i.mode === 'always' || (i.mode === 'auto' && i.provider === 'aws');
  if (!needed) return 'not-needed';
  if (i.yes) return 'yes-flag';
  if (!i.interactive || !i.ask) {
    throw DrillproofError.user(
      'ConfirmationRequired',
      `this drill needs confirmation and there is no terminal to ask`,
      {
        exitCode: 2,
        hint: 'review `drillproof plan` and pass --yes to run it non-interactively',
      },
    );
  }
  const ok = await i.ask(`${i.summary}\nInject these faults now? [y/N] `);
  if (!ok) {
    throw DrillproofError.user('ConfirmationDeclined', 'drill not confirmed; nothing was injected', { exitCode: 3 });
  }
  return 'confirmed';
}
