/**
 * The library never prints. It emits coded messages to an injected sink; the CLI renders them
 * (a TTY view, plain lines, or JSON lines). Match on `code`, never on `level` or text.
 *
 * Codes: `DP_<AREA>_<I|W|E><4 digits>`; the registry of codes is docs/errors-and-messages.md.
 */
export type MessageLevel = 'error' | 'warn' | 'info' | 'debug' | 'result';

export interface Message<T = unknown> {
  /** Wall-clock time, RFC 3339 with milliseconds. */
  time: string;
  level: MessageLevel;
  code: string;
  message: string;
  data?: T;
}

/** Progress of a long step: the CLI draws a bar on a TTY and plain lines otherwise. */
export interface Progress {
  /** Stable id of the step, e.g. `observe`. */
  id: string;
  label: string;
  done: number;
  total?: number;
  /** Short live figures (e.g. `ok 99.2% p95 12ms`). */
  detail?: string;
}

export interface MessageSink {
  emit(msg: Message): void;
  progress?(p: Progress): void;
}

/** A sink that drops everything (library default). */
export const silentSink: MessageSink = { emit() {} };

/** Builds a message with the current wall-clock time. */
export function message<T>(level: MessageLevel, code: string, text: string, data?: T): Message<T> {
  return data === undefined
    ? { time: new Date().toISOString(), level, code, message: text }
    : { time: new Date().toISOString(), level, code, message: text, data };
}

/** A sink that records messages (tests, and capture for the journal). */
export class RecordingSink implements MessageSink {
  readonly messages: Message[] = [];
  readonly progressUpdates: Progress[] = [];
  emit(msg: Message): void {
    this.messages.push(msg);
  }
  progress(p: Progress): void {
    this.progressUpdates.push(p);
  }
  codes(): string[] {
    return this.messages.map((m) => m.code);
  }
}
