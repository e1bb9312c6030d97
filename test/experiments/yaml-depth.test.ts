import { describe, expect, it } from 'vitest';
import { DrillproofError, type Problem } from '../../src/errors.js';
import { loadScenarioBytes } from '../../src/experiments/load.js';
import { MAX_YAML_DEPTH, yamlDepthExceeded } from '../../src/experiments/yaml-depth.js';

const MB = 1024 * 1024;
/** The problems `validate` would list for this text (the loader throws them as one error). */
function load(text: string): { problems: Problem[] } {
  try {
    loadScenarioBytes(Buffer.from(text), 'deep.yaml');
    return { problems: [] };
  } catch (err) {
    if (!DrillproofError.is(err)) throw err;
    return { problems: err.problems ?? [] };
  }
}

describe('nesting limit before the YAML parser runs', () => {
  it('refuses a megabyte of [ at once, with one short positioned problem', () => {
    const r = load(`version: 1\nmetadata: ${'['.repeat(MB - 100)}`);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({
      message: `the YAML nests deeper than ${MAX_YAML_DEPTH} levels`,
      position: { file: 'deep.yaml', line: 2, col: 10 + MAX_YAML_DEPTH },
    });
    expect(JSON.stringify(r.problems).length).toBeLessThan(500);
  });

  it('counts block levels and inline sequence markers', () => {
    const block = Array.from({ length: MAX_YAML_DEPTH + 1 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(yamlDepthExceeded(block)?.depth).toBe(MAX_YAML_DEPTH + 1);
    expect(yamlDepthExceeded(`x: ${'- '.repeat(200)}1`)).toBeUndefined(); // plain text after a key
    expect(yamlDepthExceeded(`${'- '.repeat(MAX_YAML_DEPTH + 1)}1`)?.depth).toBe(MAX_YAML_DEPTH + 2);
    expect(load(`${'- '.repeat(300_000)}1`).problems[0]?.message).toMatch(/nests deeper than/);
  });

  it('ignores brackets in quotes and comments, and passes every ordinary nesting', () => {
    const quoted = `a: "${'['.repeat(500)}"\nb: '${'{'.repeat(500)}'\n# ${'['.repeat(500)}\n`;
    expect(yamlDepthExceeded(quoted)).toBeUndefined();
    const ok = Array.from({ length: MAX_YAML_DEPTH - 1 }, (_, i) => `${' '.repeat(i)}a:`).join('\n');
    expect(yamlDepthExceeded(ok)).toBeUndefined();
    expect(yamlDepthExceeded(`a: ${'['.repeat(MAX_YAML_DEPTH - 2)}${']'.repeat(MAX_YAML_DEPTH - 2)}`)).toBeUndefined();
  });

  it('a syntax error message is cut to a readable length', () => {
    const r = load(`version: 1\nmetadata: {name: "x${'a'.repeat(5000)}\n`);
    for (const p of r.problems) expect(p.message.length).toBeLessThanOrEqual(220);
  });
});

describe('control characters in scenario strings', () => {
  it('a quoted "\\0" in a host is refused, naming the character', () => {
    const r = load(
      'version: 1\nmetadata: {name: t}\ntarget: {provider: lab}\nprobes:\n  - {name: p, type: tcp, host: "db\\0.example", port: 5432, interval: 1s}\n',
    );
    expect(r.problems.some((p) => /control character U\+0000/.test(p.message))).toBe(true);
  });
});
