import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRates {
  /** The request never reaches the server. */
  drop: number;
  /** The server handles the request (and commits), then the response is cut before the client gets it. */
  cut: number;
  /** The request is held up to `maxDelayMs` before it goes on. */
  delay: number;
  /** The request reaches the server twice; the client gets one of the answers. */
  duplicate: number;
}

export interface FaultCounts {
  requests: number;
  dropped: number;
  cut: number;
  delayed: number;
  duplicated: number;
  upstreamErrors: number;
}

/** A seeded generator (mulberry32): the same seed gives the same faults, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * An HTTP proxy between sync clients and the server that misbehaves like a school's network: drops requests,
 * cuts responses after the server has committed, delays and duplicates requests.
 */
export class FaultProxy {
  readonly counts: FaultCounts = { requests: 0, dropped: 0, cut: 0, delayed: 0, duplicated: 0, upstreamErrors: 0 };
  private server: http.Server | null = null;
  enabled = true;

  constructor(
    private readonly target: string,
    private readonly rates: FaultRates,
    private readonly random: () => number,
    private readonly maxDelayMs = 200,
  ) {}

  async listen(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.counts.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (this.enabled && this.random() < this.rates.drop) {
      this.counts.dropped++;
      res.socket?.destroy();
      return;
    }
    if (this.enabled && this.random() < this.rates.delay) {
      this.counts.delayed++;
      await new Promise((r) => setTimeout(r, this.random() * this.maxDelayMs));
    }
    const duplicate = this.enabled && this.random() < this.rates.duplicate;
    const cut = this.enabled && this.random() < this.rates.cut;
    try {
      const sends = duplicate ? [this.forward(req, body), this.forward(req, body)] : [this.forward(req, body)];
      if (duplicate) this.counts.duplicated++;
      const answers = await Promise.all(sends);
      const answer = answers[answers.length - 1]!;
      if (cut) {
        this.counts.cut++;
        res.socket?.destroy();
        return;
      }
      const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
      delete headers['transfer-encoding'];
      delete headers.connection;
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    } catch {
      this.counts.upstreamErrors++;
      res.socket?.destroy();
    }
  }

  private forward(
    req: http.IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    const url = new URL(req.url ?? '/', this.target);
    return new Promise((resolve, reject) => {
      const upstream = http.request(
        url,
        {
          method: req.method,
          headers: { ...req.headers, host: url.host, connection: 'close', 'content-length': String(body.length) },
        },
        (r) => {
          const parts: Buffer[] = [];
          r.on('data', (c: Buffer) => parts.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(parts) }));
          r.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}
