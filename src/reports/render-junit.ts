import { escapeXml as x } from './escape.js';
import type { Evidence } from './evidence-schema.js';
import { redact } from './redact.js';

/**
 * junit.xml: one test case per objective, so CI systems show which objective failed with its
 * expected and actual values. An aborted or errored run adds an `<error>` case; an inconclusive
 * one (fault not confirmed, or no probe exercised a faulted resource) a `<failure>` case, so CI
 * never counts it as passed.
 */
export function renderJunit(ev: Evidence): string {
  const failures = ev.objectives.filter((o) => !o.ok).length;
  const runProblem = ev.run.verdict === 'aborted' || ev.run.verdict === 'error';
  const inconclusive = ev.run.verdict === 'inconclusive';
  const cases = ev.objectives.map((o) => {
    const attrs = `name="${x(o.name)}" classname="${x(`drillproof.${ev.scenario.name}`)}" time="0"`;
    const props = `<properties><property name="expected" value="${x(o.expected)}"/><property name="actual" value="${x(
      o.actual,
    )}"/></properties>`;
    if (o.ok)
      return `    <testcase ${attrs}>${props}<system-out>${x(`${o.description}: expected ${o.expected}, actual ${o.actual}`)}</system-out></testcase>`;
    const msg = `expected ${o.expected}, actual ${o.actual}${o.reason ? ` (${o.reason})` : ''}`;
    return `    <testcase ${attrs}>${props}<failure message="${x(msg)}" type="ObjectiveNotMet">${x(`${o.description}: ${msg}`)}</failure></testcase>`;
  });
  if (runProblem)
    cases.push(
      `    <testcase name="run" classname="${x(`drillproof.${ev.scenario.name}`)}" time="${ev.run.durationSeconds}"><error message="${x(
        `run ${ev.run.verdict}${ev.run.reason ? `: ${ev.run.reason}` : ''}`,
      )}" type="Run${ev.run.verdict === 'aborted' ? 'Aborted' : 'Error'}"/></testcase>`,
    );
  if (inconclusive)
    cases.push(
      `    <testcase name="fault confirmation" classname="${x(`drillproof.${ev.scenario.name}`)}" time="0"><failure message="${x(
        `inconclusive${ev.run.reason ? `: ${ev.run.reason}` : ''}`,
      )}" type="RunInconclusive"/></testcase>`,
    );
  const failed = failures + (inconclusive ? 1 : 0);
  const tests = cases.length;
  return redact(`<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="drillproof" tests="${tests}" failures="${failed}" errors="${runProblem ? 1 : 0}" time="${ev.run.durationSeconds}">
  <testsuite name="${x(ev.scenario.name)}" id="${x(ev.run.id)}" tests="${tests}" failures="${failed}" errors="${
    runProblem ? 1 : 0
  }" skipped="0" time="${ev.run.durationSeconds}" timestamp="${x(ev.run.startedAt)}">
    <properties>
      <property name="runId" value="${x(ev.run.id)}"/>
      <property name="verdict" value="${x(ev.run.verdict)}"/>
      <property name="scenarioSha256" value="${x(ev.scenario.sha256)}"/>
      <property name="rto" value="${x(ev.headline.caveat ?? ev.headline.rto?.text ?? 'none')}"/>
      <property name="rpo" value="${x(ev.headline.rpo?.text ?? 'none')}"/>
    </properties>
${cases.join('\n')}
  </testsuite>
</testsuites>
`);
}
