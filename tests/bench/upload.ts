/**
 * `upload200MbSeconds`: a 200 MB material uploaded to the real server (a child process, as `npm start` runs it)
 * over HTTP, in 4 MiB chunks as the client sends them, until the server has verified the hash, sniffed the type and
 * committed the file. The server's memory is sampled from /proc while it works: it must stream, never hold the file.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHUNK_CONTENT_TYPE, CLIENT_CHUNK_BYTES } from '../../src/shared/files/upload';
import { buildServerIfStale } from '../../src/server/cli/build-if-stale';
import { ServerProcess } from '../helpers/server-process';

const MB = 1024 * 1024;

export interface UploadBenchResult {
  seconds: number;
  peakRssMb: number;
  /** The server's resident memory just before the upload began. */
  baselineRssMb: number;
  /** The whole process's high-water mark, start-up and demo data included. */
  vmHwmMb: number;
  hashSeconds: number;
  mbPerSec: number;
}

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) / 1024 : 0;
}

export async function benchUpload(options: { port: number; sizeMb?: number }): Promise<UploadBenchResult> {
  const sizeMb = options.sizeMb ?? 200;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'upload-bench-'));
  const file = path.join(work, 'video.pdf');
  // The compiled server, as `npm start` runs it: its memory is what the target is about.
  await buildServerIfStale();
  const server = new ServerProcess({ port: options.port, dataDir: path.join(work, 'data'), logLevel: 'warn', compiled: true });
  try {
    // A PDF header then random bytes: the server sniffs a PDF and hashes all of it.
    const out = fs.openSync(file, 'w');
    fs.writeSync(out, Buffer.from('%PDF-1.4\n'));
    for (let written = 9; written < sizeMb * MB; ) {
      const n = Math.min(8 * MB, sizeMb * MB - written);
      fs.writeSync(out, randomBytes(n));
      written += n;
    }
    fs.closeSync(out);
    const size = fs.statSync(file).size;

    const hashStarted = performance.now();
    const hash = createHash('sha256');
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * MB })) hash.update(chunk as Buffer);
    const sha256 = hash.digest('hex');
    const hashSeconds = (performance.now() - hashStarted) / 1000;

    // The first start loads the demo data (a one-off cost of a new installation); the figure is for a server at work,
    // so it is measured after a restart on the loaded database.
    await server.start();
    await server.stop();
    await server.start();
    const pid = server.child!.pid!;
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ht.dichvong', password: 'truongan2025' }),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };

    // Let start-up garbage settle before the baseline is taken.
    await new Promise((r) => setTimeout(r, 1000));
    const baselineRssMb = procStatus(pid, 'VmRSS');
    let peakRssMb = baselineRssMb;
    const sampler = setInterval(() => {
      peakRssMb = Math.max(peakRssMb, procStatus(pid, 'VmRSS'));
    }, 20);

    const started = performance.now();
    const created = await fetch(`${server.url}/api/files/uploads`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ sha256, size, mime: 'application/pdf', name: 'bench.pdf', purpose: 'material' }),
    });
    if (created.status !== 201) throw new Error(`announce answered ${created.status}: ${await created.text()}`);
    const { uploadId } = (await created.json()) as { uploadId: string };
    const fd = fs.openSync(file, 'r');
    let offset = 0;
    let complete = false;
    try {
      while (!complete) {
        const chunk = Buffer.alloc(Math.min(CLIENT_CHUNK_BYTES, size - offset));
        fs.readSync(fd, chunk, 0, chunk.length, offset);
        const res = await fetch(`${server.url}/api/files/uploads/${uploadId}`, {
          method: 'PATCH',
          headers: { ...auth, 'content-type': CHUNK_CONTENT_TYPE, 'upload-offset': String(offset) },
          body: chunk,
        });
        if (!res.ok) throw new Error(`chunk at ${offset} answered ${res.status}: ${await res.text()}`);
        const body = (await res.json()) as { offset: number; complete?: boolean; sha256?: string };
        offset = body.offset;
        complete = body.complete === true;
        if (complete && body.sha256 !== sha256) throw new Error('the server stored another hash');
      }
    } finally {
      fs.closeSync(fd);
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRssMb = Math.max(peakRssMb, procStatus(pid, 'VmRSS'));
    const vmHwmMb = procStatus(pid, 'VmHWM');

    const stored = path.join(work, 'data', 'files', sha256.slice(0, 2), sha256);
    if (fs.statSync(stored).size !== size) throw new Error('stored file has the wrong size');

    const round = (n: number) => Math.round(n * 100) / 100;
    return {
      seconds: round(seconds),
      peakRssMb: round(peakRssMb),
      baselineRssMb: round(baselineRssMb),
      vmHwmMb: round(vmHwmMb),
      hashSeconds: round(hashSeconds),
      mbPerSec: round(sizeMb / seconds),
    };
  } finally {
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
