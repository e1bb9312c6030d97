import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
} from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { labReset } from '../../src/lab/lab.js';
import { useLab } from '../_helpers/lab.js';
import { drill, labState, variant } from './_drill.js';

/**
 * ec2-stop on an instance of the lab's Auto Scaling group (`lab-web-asg` owns the first instance
 * of each AZ; the shipped scenario stops the first instance of the target group, i-0a...001).
 */
const lab = useLab({ aurora: false, asg: true, asgHealthCheckGracePeriodMs: 1000, asgCheckIntervalMs: 250 });
const GROUP = 'lab-web-asg';
const STOPPED = 'i-0a000000000000001';

const asg = () =>
  new AutoScalingClient({
    region: lab.info().region,
    endpoint: lab.info().awsEndpoint,
    credentials: lab.info().credentials,
    maxAttempts: 1,
  });
const group = async () =>
  (await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [GROUP] }))).AutoScalingGroups?.[0];
const stopScenario = (autoScaling?: 'suspend' | 'replace') =>
  variant('ec2-instance-stop', (doc) => {
    if (autoScaling) doc.steps.faults[0].autoScaling = autoScaling;
    // What is under test is the group handling and the RTO; the shipped latency and availability
    // objectives measure the ALB under the machine's load, not Auto Scaling.
    doc.objectives = { rto: doc.objectives.rto };
  });

describe('ec2-stop on an Auto Scaling group instance', { timeout: 170_000 }, () => {
  it('without autoScaling: preflight stops (exit 3) naming the group and both choices, nothing injected', async () => {
    const { result, journal } = await drill(stopScenario(), lab.dir());
    expect(result.exitCode, result.record.reason).toBe(3);
    const failed = journal.find((e) => e.kind === 'preflight.check' && e.data.ok === false);
    expect(String(failed?.data.detail)).toContain(`${STOPPED} in ${GROUP}`);
    expect(String(failed?.data.hint)).toMatch(/`suspend`.*`replace`/);
    expect(journal.some((e) => e.kind === 'fault.requested')).toBe(false);
    expect((await labState(lab.info())).states).toContain(`${STOPPED}:running`);
    expect((await group())?.SuspendedProcesses ?? []).toEqual([]);
  });

  it('replace: the group replaces the instance, recovery waits for it, rollback accepts the replaced one', async () => {
    const { result, journal } = await drill(stopScenario('replace'), lab.dir());
    expect(result.exitCode, result.record.reason).toBe(0);
    expect(result.record.faults[0]).toMatchObject({ type: 'ec2-stop', rollback: 'succeeded' });
    // The follow-up's record: which instance replaced the stopped one, and when AWS launched it.
    const note = journal.find(
      (e) => e.kind === 'note' && (e.data.followUp as { data?: { autoScaling?: unknown } })?.data?.autoScaling,
    );
    const fu = (note?.data.followUp ?? {}) as { data: { autoScaling: { replacements: { instanceId: string }[] } } };
    expect(fu.data?.autoScaling.replacements.length).toBeGreaterThan(0);
    const replacement = fu.data.autoScaling.replacements[0]?.instanceId as string;
    expect(replacement).toMatch(/^i-0[ab]0+1\d\d$/);
    // Recovery (hence the RTO) is not declared before the follow-up saw the group whole again.
    const recovered = journal.find((e) => e.kind === 'recovery.detected');
    expect(recovered?.t).toBeGreaterThanOrEqual(note?.t as number);
    expect(result.record.measurements.rto?.seconds).not.toBeNull();
    // The group's activities and the replacement's lifecycle are on the timeline.
    const watch = journal.filter((e) => e.kind === 'watch.event' && e.data.source === 'autoscaling');
    expect(watch.some((e) => String(e.data.message).includes(`Terminating EC2 instance: ${STOPPED}`))).toBe(true);
    expect(watch.some((e) => String(e.data.message).includes(`Launching a new EC2 instance: ${replacement}`))).toBe(
      true,
    );
    expect(
      watch.some((e) => e.data.resource === `${GROUP}/${replacement}` && e.data.state === 'InService Healthy'),
    ).toBe(true);
    // Rollback found the stopped instance terminated by the group: journaled, not an error.
    expect(
      journal.some(
        (e) =>
          e.kind === 'note' &&
          String(e.data.message).includes(`${STOPPED} were terminated by their Auto Scaling group`),
      ),
    ).toBe(true);
    const g = await group();
    expect(g?.Instances?.map((i) => i.InstanceId)).toContain(replacement);
    expect(g?.Instances?.map((i) => i.InstanceId)).not.toContain(STOPPED);
    await labReset({ dir: lab.dir() });
  });

  it('suspend: no replacement appears, the processes are resumed after the drill', async () => {
    const before = (await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP }))).Activities
      ?.length;
    const { result, journal } = await drill(stopScenario('suspend'), lab.dir());
    expect(result.exitCode, result.record.reason).toBe(0);
    const kinds = journal.map((e) => `${e.kind}:${e.data.stepId ?? ''}`);
    // ResumeProcesses is journaled before SuspendProcesses is called.
    const resumeRecorded = journal.findIndex(
      (e) =>
        e.kind === 'inverse.recorded' &&
        (e.data.inverse as { action: string }).action === 'autoscaling.resume-processes',
    );
    const suspendCall = journal.findIndex((e) => e.kind === 'aws.call' && e.data.operation === 'SuspendProcesses');
    expect(resumeRecorded).toBeGreaterThanOrEqual(0);
    expect(resumeRecorded).toBeLessThan(suspendCall);
    expect(kinds).toContain('rollback.succeeded:stop-one.before');
    const resumed = journal.findIndex((e) => e.kind === 'aws.call' && e.data.operation === 'ResumeProcesses');
    expect(resumed).toBeGreaterThan(suspendCall);
    // While suspended, the group saw the stop (the suspension is on the timeline) and replaced nothing.
    expect(
      journal.some(
        (e) =>
          e.kind === 'watch.event' &&
          e.data.source === 'autoscaling' &&
          String(e.data.reason).includes('suspended HealthCheck'),
      ),
    ).toBe(true);
    const after = (await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: GROUP }))).Activities;
    expect(after?.length).toBe(before);
    const g = await group();
    expect(g?.SuspendedProcesses ?? []).toEqual([]);
    expect(g?.Instances?.map((i) => i.InstanceId)).toContain(STOPPED);
    expect((await labState(lab.info())).states).toContain(`${STOPPED}:running`);
  });
});
