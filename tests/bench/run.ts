/**
 * `npm run bench`: the issues' speed and memory targets, measured and printed as one JSON object.
 * `npm run bench -- ingest fullPull markLatency pushMarks` runs only the named benchmarks.
 */
import { benchIngest } from './ingest';
import { benchFullPull, benchMarkLatency, benchPushMarks, openBrowserBench, type BrowserBench } from './browser';

const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);
const figures: Record<string, unknown> = {};

if (wanted('ingest')) {
  figures.ingestMarksPerSec = {
    sqlite: await benchIngest('sqlite', { port: 18370 }),
    postgres: await benchIngest('postgres', { port: 18371 }),
    target: { sqlite: 20_000, postgres: 10_000, peakRssMb: 300 },
  };
}

/** Median of an odd number of figures. */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Sessions of 2,000 students each run of pushMarksPerSec marks; each run needs its own. */
const PUSH_SESSIONS = 5;
// One run by default: marking 10,000 offline through the sheet takes about 100 s per run on these machines.
const PUSH_RUNS = Number(process.env.BENCH_PUSH_RUNS ?? 1);

const browserBenches = ['fullPull', 'markLatency', 'pushMarks'].filter(wanted);
if (browserBenches.length > 0) {
  // One server and school for the browser benchmarks; each run opens its own fresh on-disk profile.
  const bench: BrowserBench = await openBrowserBench(18372, { emptySessions: PUSH_SESSIONS * PUSH_RUNS });
  try {
    if (wanted('fullPull')) {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await benchFullPull(bench));
      const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
      figures.fullPullSeconds = { median: seconds[1], runs: seconds, rows: runs[0]!.rows, target: 8 };
    }
    if (wanted('markLatency')) {
      // One round of 1,000 taps by default: at today's ~90 ms a tap, three rounds alone would take five minutes.
      const rounds = await benchMarkLatency(bench, { taps: 1000, rounds: Number(process.env.BENCH_MARK_ROUNDS ?? 1) });
      figures.markLatencyMs = {
        p50: median(rounds.map((r) => r.p50)),
        p95: median(rounds.map((r) => r.p95)),
        runs: rounds,
        target: { p95: 16 },
      };
    }
    if (wanted('pushMarks')) {
      const sessions = bench.school.emptySessionIds;
      const runs = await benchPushMarks(
        bench,
        Array.from({ length: PUSH_RUNS }, (_, i) => sessions.slice(i * PUSH_SESSIONS, (i + 1) * PUSH_SESSIONS)),
      );
      figures.pushMarksPerSec = {
        median: median(runs.map((r) => r.marksPerSec)),
        runs,
        target: 3000,
      };
    }
  } finally {
    await bench.close();
  }
}

console.log(JSON.stringify(figures, null, 2));
