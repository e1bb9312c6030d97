/**
 * The run directory as a contract: file names, journal entries, samples and read-backs, the run
 * record, measurements.json, and the one reader (and writer) of each. Every layer that touches a
 * run directory goes through here; this folder imports only src/util and src/errors.ts.
 */
export * from './disk.js';
export * from './fault-file.js';
export * from './files.js';
export * from './journal.js';
export * from './journal-types.js';
export * from './measurements.js';
export * from './record.js';
export * from './replacements.js';
export * from './sample-reader.js';
export * from './samples.js';
