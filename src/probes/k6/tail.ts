import { type FileHandle, open } from 'node:fs/promises';
import type { Clock } from '../../util/clock.js';

/**
 * Follows a file another process appends to (k6's JSON output, flushed every 200 ms): reads from
 * the last offset every `pollMs` and hands new bytes to `onData`, in order. The file may not exist
 * yet when tailing starts.
 */
export class FileTailer {
  private fh: FileHandle | undefined;
  private offset = 0;
  private stopped = false;
  private readonly wake = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly buf = Buffer.allocUnsafe(64 * 1024);

  constructor(
    private readonly path: string,
    private readonly onData: (chunk: Buffer) => Promise<void> | void,
    private readonly clock: Clock,
    private readonly pollMs = 100,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      await this.readAvailable();
      try {
        await this.clock.sleep(this.pollMs, this.wake.signal);
      } catch {
        // woken by stop()
      }
    }
  }

  /** Reads everything appended since the last read. */
  async readAvailable(): Promise<void> {
    if (!this.fh) {
      try {
        this.fh = await open(this.path, 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
    }
    for (;;) {
      const { bytesRead } = await this.fh.read(this.buf, 0, this.buf.length, this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      await this.onData(Buffer.from(this.buf.subarray(0, bytesRead)));
    }
  }

  /** Stops polling, reads what is left, closes the file. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.loop;
    await this.readAvailable();
    await this.fh?.close();
    this.fh = undefined;
  }

  get bytesRead(): number {
    return this.offset;
  }
}
