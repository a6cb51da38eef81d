/**
 * `npm run bench`: the issues' speed and memory targets, measured and printed as one JSON object.
 * `npm run bench -- ingest` runs only the named benchmarks.
 */
import { benchIngest } from './ingest';

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

console.log(JSON.stringify(figures, null, 2));
