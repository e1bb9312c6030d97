import type { Resource } from '../schema/resources.js';

/** A resource selector in words, e.g. `ec2 instances tagged app=web in us-east-1a (running), pick 1`. */
export function describeSelector(r: Resource): string {
  switch (r.type) {
    case 'ec2-instance': {
      const from: string[] = [];
      if (r.ids) from.push(`ids ${r.ids.join(', ')}`);
      if (r.tags)
        from.push(
          `tagged ${Object.entries(r.tags)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`,
        );
      if (r.targetGroup) from.push(`registered in target group ${r.targetGroup}`);
      const az = r.az ? ` in ${r.az}` : '';
      const pick =
        r.count !== undefined ? `, pick ${r.count}` : r.percent !== undefined ? `, pick ${r.percent}` : ', all of them';
      return `EC2 instances ${from.join(' and ')}${az} (state ${r.state})${pick}`;
    }
    case 'elbv2-target-group':
      return `target group ${r.arn ?? r.name}`;
    case 'rds-instance':
      return `RDS DB instance ${r.id}`;
    case 'aurora-cluster':
      return `Aurora DB cluster ${r.id}`;
  }
}
