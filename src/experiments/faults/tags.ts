/** Tags drillproof puts on what it creates, so `sweep` finds leftovers after a crash. */
export const RUN_ID_TAG = 'drillproof:run-id';
export const STEP_TAG = 'drillproof:step';
export const KEEP_TAG = 'drillproof:keep';
export const RESTORED_FROM_TAG = 'drillproof:restored-from';
