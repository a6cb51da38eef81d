/**
 * `npm run bench`: the issues' speed and memory targets, measured and printed as one JSON object.
 * `npm run bench -- ingest fullPull markLatency pushMarks` runs only the named benchmarks.
 */
import { benchIngest } from './ingest';
import { benchCityDashboard, benchSchoolCoverageOffline } from './coverage';
import { benchFullPull, benchMarkLatency, benchPushMarks, openBrowserBench, type BrowserBench } from './browser';

// Flags (`--full`) are options, not benchmark names: `npm run bench -- --full` still runs every benchmark.
const only = new Set(process.argv.slice(2).filter((a) => !a.startsWith('--')));
const full = process.argv.includes('--full');
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
  const bench: BrowserBench = await openBrowserBench(18372, {
    emptySessions: PUSH_SESSIONS * PUSH_RUNS,
    clientDir: process.env.BENCH_CLIENT_DIR,
  });
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

if (wanted('materials')) {
  const { benchMaterialSearch } = await import('./materials');
  figures.materialSearchMs = {
    sqlite: await benchMaterialSearch('sqlite'),
    postgres: await benchMaterialSearch('postgres'),
  };
}

if (wanted('org')) {
  const { benchOrg } = await import('./org');
  figures.personErasure = {
    sqlite: await benchOrg('sqlite'),
    postgres: await benchOrg('postgres'),
  };
}

if (wanted('upload')) {
  const { benchUpload } = await import('./upload');
  const r = await benchUpload({ port: 18413 });
  figures.upload200MbSeconds = { ...r, target: { seconds: 10, peakRssMb: 150 } };
}

if (wanted('rosters')) {
  const { benchRosters } = await import('./roster');
  const r = await benchRosters({ port: 18411, clientDir: process.env.BENCH_CLIENT_DIR });
  figures.openClassRosterMs = { ...r.openClassRosterMs, target: 150 };
  figures.openSchoolRosterMs = { ...r.openSchoolRosterMs, target: 500 };
  figures.signatureBytes = { ...r.signatureBytes, target: 30 * 1024 };
}

if (wanted('import')) {
  const { benchRosterImport } = await import('./roster-import');
  figures.import2000RowsMs = {
    sqlite: await benchRosterImport('sqlite', { port: 18417 }),
    postgres: await benchRosterImport('postgres', { port: 18417 }),
    target: 5000,
  };
}

if (wanted('cityDashboard')) {
  // The Sở dashboard over a synthetic city at scale 0.1 (300 schools, 230,000 students, a year of attendance).
  figures.cityDashboardMs = {
    sqlite: await benchCityDashboard('sqlite', { scale: 0.1 }),
    postgres: await benchCityDashboard('postgres', { scale: 0.1 }),
    target: 1000,
  };
  // The whole city (3,000 schools, 2.3 million students) on PostgreSQL only with `npm run bench -- --full`.
  figures.cityDashboardFullMs = full ? { postgres: await benchCityDashboard('postgres', { scale: 1, verbose: true }), target: 2000 } : 'skipped (npm run bench -- --full)';
}

if (wanted('schoolCoverageOffline')) {
  figures.schoolCoverageOfflineMs = { ...(await benchSchoolCoverageOffline()), target: 300 };
}

if (wanted('report')) {
  const { benchReport } = await import('./reports');
  figures.reportMs = {
    sqlite: await benchReport('sqlite'),
    ...(process.env.TEST_DATABASE_URL ? { postgres: await benchReport('postgres') } : {}),
  };
}

console.log(JSON.stringify(figures, null, 2));
