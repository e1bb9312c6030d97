import { readFileSync, statSync } from 'node:fs';
import type { Problem } from '../errors.js';

/** Scenario files larger than this are refused before parsing (a scenario is a page of YAML). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

export function whole(file: string, message: string, hint?: string, line = 1, col = 1): Problem {
  const p: Problem = { code: 'ScenarioInvalid', message, path: '', position: { file, line, col }, severity: 'error' };
  if (hint) p.hint = hint;
  return p;
}

/** Reads a text file for the loader: size limit, UTF-8 check, no binary content. */
export function readText(file: string, shown: string): { text?: string; bytes?: Buffer; problems: Problem[] } {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) return { problems: [whole(shown, 'not a file', 'give the path of a YAML scenario file')] };
    size = st.size;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      problems: [
        whole(
          shown,
          code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? 'error'})`,
          'check the path',
        ),
      ],
    };
  }
  if (size > MAX_SCENARIO_BYTES) {
    return {
      problems: [
        whole(
          shown,
          `file is ${(size / 1024 / 1024).toFixed(1)} MB; a scenario may be at most ${MAX_SCENARIO_BYTES / 1024 / 1024} MB`,
          'is this the right file? scenarios are short YAML documents',
        ),
      ],
    };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    return { problems: [whole(shown, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`)] };
  }
  return decodeText(bytes, shown);
}

/** Bytes to text: refuses binary content and invalid UTF-8 with the position of the first bad byte. */
export function decodeText(bytes: Buffer, shown: string): { text?: string; bytes?: Buffer; problems: Problem[] } {
  if (bytes.length > MAX_SCENARIO_BYTES) {
    return { problems: [whole(shown, `scenario is ${bytes.length} bytes; at most ${MAX_SCENARIO_BYTES} are read`)] };
  }
  const bad = firstBinaryOffset(bytes);
  if (bad !== undefined) {
    const before = bytes.subarray(0, bad).toString('utf8');
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    return {
      problems: [
        whole(
          shown,
          `file is not UTF-8 text (byte 0x${(bytes[bad] ?? 0).toString(16).padStart(2, '0')} at offset ${bad})`,
          'scenarios are UTF-8 YAML files',
          line,
          col,
        ),
      ],
    };
  }
  return { text: bytes.toString('utf8').replace(/^\uFEFF/, ''), bytes, problems: [] };
}

/** Offset of the first NUL / control byte or invalid UTF-8 sequence, if any. */
function firstBinaryOffset(bytes: Buffer): number | undefined {
  let control: number | undefined;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
      control = i;
      break;
    }
  }
  const utf8 = firstInvalidUtf8(bytes);
  if (control === undefined) return utf8;
  return utf8 === undefined ? control : Math.min(control, utf8);
}

function firstInvalidUtf8(bytes: Buffer): number | undefined {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return undefined;
  } catch {
    // Find the first invalid sequence by decoding growing prefixes at character boundaries.
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i] as number;
      const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
      if (len === 0) return i;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len));
      } catch {
        return i;
      }
      i += len;
    }
    return 0;
  }
}
