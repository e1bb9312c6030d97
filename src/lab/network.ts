/**
 * Which lab AZs are cut off (aws:network:disrupt-connectivity). The ALB cannot reach targets there
 * (health checks and requests time out), and an RDS primary placed there fails over.
 */
export class LabNetwork {
  private readonly disrupted = new Map<string, number>();
  private readonly listeners: ((az: string, disrupted: boolean) => void)[] = [];

  onChange(fn: (az: string, disrupted: boolean) => void): void {
    this.listeners.push(fn);
  }

  /** Disruptions nest: the AZ is reachable again when every disruption of it has ended. */
  disrupt(az: string): void {
    const n = (this.disrupted.get(az) ?? 0) + 1;
    this.disrupted.set(az, n);
    if (n === 1) for (const fn of this.listeners) fn(az, true);
  }

  restore(az: string): void {
    const n = (this.disrupted.get(az) ?? 0) - 1;
    if (n <= 0) {
      if (this.disrupted.delete(az)) for (const fn of this.listeners) fn(az, false);
    } else this.disrupted.set(az, n);
  }

  reachable = (az: string): boolean => !this.disrupted.has(az);

  list(): string[] {
    return [...this.disrupted.keys()];
  }

  reset(): void {
    for (const az of [...this.disrupted.keys()]) {
      this.disrupted.delete(az);
      for (const fn of this.listeners) fn(az, false);
    }
  }
}
