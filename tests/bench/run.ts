/**
 * `npm run bench`: the issues' speed and memory targets, measured and printed as one JSON object.
 * `npm run bench -- ingest fullPull` runs only the named benchmarks.
 */
import { benchIngest } from './ingest';
import { benchFullPull, openBrowserBench } from './browser';

const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
const figures: Record<string, unknown> = {};

if (wanted('ingest')) {
  figures.ingestMarksPerSec = {
    sqlite: await benchIngest('sqlite'),
    postgres: await benchIngest('postgres', { port: 18391 }),
    target: { sqlite: 20_000, postgres: 10_000, peakRssMb: 300 },
  };
}

if (wanted('fullPull')) {
  const bench = await openBrowserBench(18392);
  try {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await benchFullPull(bench));
    const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
    figures.fullPullSeconds = { median: seconds[1], runs: seconds, rows: runs[0]!.rows, target: 8 };
  } finally {
    await bench.close();
  }
}

console.log(JSON.stringify(figures, null, 2));
