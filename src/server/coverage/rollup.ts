import type { FastifyInstance } from 'fastify';

/** After a write, wait this long for the burst to end before recounting (a school's tablets push in bursts). */
const AFTER_WRITES_MS = 15_000;

/**
 * Keeps the stored coverage counts current in the background (see `CoverageService.refresh`): once at start, then a
 * while after pushes that changed something. A dashboard then reads a roll-up instead of counting a city on the
 * request; it still recounts on its own any school written to since, so it is never stale, only slower. Run by the
 * real server only (`startServer`): tests that build the app drive the service themselves.
 */
export function keepCoverageCurrent(app: FastifyInstance): void {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let closing = false;

  const run = (): void => {
    timer = null;
    if (closing) return;
    if (running) {
      again = true;
      return;
    }
    const started = performance.now();
    running = (async () => {
      try {
        const figures = await app.ctx.coverage.refresh(await app.ctx.orgTree.get(), new Date());
        app.log.info({ figures, ms: Math.round(performance.now() - started) }, 'coverage roll-up current');
      } catch (err) {
        // A failed refresh costs nothing but speed: dashboards count what the roll-up lacks.
        app.log.warn({ err }, 'coverage roll-up refresh failed');
      } finally {
        running = null;
        if (again && !closing) {
          again = false;
          schedule(AFTER_WRITES_MS);
        }
      }
    })();
  };
  const schedule = (ms: number): void => {
    if (closing || timer) return;
    timer = setTimeout(run, ms);
    timer.unref();
  };

  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'POST' && request.url.startsWith('/api/sync/push') && reply.statusCode === 200) schedule(AFTER_WRITES_MS);
  });
  app.addHook('onClose', async () => {
    closing = true;
    if (timer) clearTimeout(timer);
    await running;
  });
  schedule(0);
}
