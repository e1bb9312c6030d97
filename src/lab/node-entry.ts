import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');

/**
 * The node arguments that run one of the lab's entry modules (`supervisor-main`, `app-server`) as a
 * separate process: the built `.js` next to this file, or the `.ts` source through tsx when the lab
 * itself runs from source (tests, `npm run dev`).
 */
export function nodeArgsFor(module: string): string[] {
  if (!fromSource) return [join(here, `${module}.js`)];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, join(here, `${module}.ts`)];
}

/** A free TCP port on loopback (the kernel picks; the small race is acceptable in a lab). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
