/** Analyses one run directory and prints wall time and peak RSS (run in its own process by run.ts). */
import { analyzeRunDir } from '../src/experiments/analysis/run-dir.js';

const dir = process.argv[2] as string;
const t = performance.now();
const { measurements: m } = await analyzeRunDir(dir, { faultAtMs: 1_800_000_000_000 + 500_000 });
const seconds = (performance.now() - t) / 1000;
const rssMb = process.resourceUsage().maxRSS / 1024;
const all = m.probes.web?.phases.all;
console.log(
  `  ${all?.scheduled} samples analysed in ${seconds.toFixed(2)} s, peak RSS ${rssMb.toFixed(0)} MB (limits: 10 s, 300 MB)`,
);
console.log(
  `  RTO ${m.rto?.seconds} s, availability ${all?.availability}, p99 with failures ${all?.p99WithFailuresMs} ms`,
);
