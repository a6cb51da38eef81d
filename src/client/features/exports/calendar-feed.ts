import { z } from 'zod';
import type { FetchLike } from '../../api';

/** The server's answer to POST /api/calendar/feed: the user's secret, subscribable feed address. */
const FeedResponseSchema = z.object({ url: z.string().min(1).max(2000) });

export type FeedProblem = 'offline' | 'signIn' | 'server';

/** Why no feed address could be had, as the page explains it. */
export class CalendarFeedError extends Error {
  constructor(
    readonly problem: FeedProblem,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarFeedError';
  }
}

/**
 * Asks the server for a new feed address. Each request makes a new secret and revokes the previous one, so a
 * leaked address is closed by asking again. Needs the network and a valid sign-in; nothing here works offline,
 * unlike the .ics download, which is built on the device.
 */
export async function requestCalendarFeed(token: string, doFetch: FetchLike = (i, init) => globalThis.fetch(i, init)): Promise<string> {
  let response: Response;
  try {
    response = await doFetch('/api/calendar/feed', {
      method: 'POST',
      headers: { accept: 'application/json', authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CalendarFeedError('offline', error instanceof Error ? error.message : String(error));
  }
  if (response.status === 401) throw new CalendarFeedError('signIn', 'token refused');
  if (!response.ok) throw new CalendarFeedError('server', `status ${response.status}`);
  const parsed = FeedResponseSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new CalendarFeedError('server', 'unexpected answer');
  // An address relative to the app is made absolute: it is pasted into another application.
  const base = typeof location === 'undefined' ? 'http://localhost' : location.origin;
  try {
    return new URL(parsed.data.url, base).href;
  } catch {
    throw new CalendarFeedError('server', 'unexpected answer');
  }
}
