import os from 'node:os';
import path from 'node:path';
import { types } from 'node:util';
import { Worker } from 'node:worker_threads';
import { LineChunk } from './formats/read-lines';
import { ParsedChunk } from './parse-chunk';
import type { ParseRequest, ParseWorkerData } from './parse-worker';

/** Parse workers a bulk load starts by default: one per CPU, at most 4 (the database needs a core too, and more gain little). */
export function defaultParseWorkers(): number {
  return Math.min(4, os.availableParallelism());
}

/**
 * Worker threads that parse and validate NDJSON chunks (parseNdjsonChunk) for a bulk load, so reading a file
 * is not bound to one core: JSON.parse and validation are most of a bulk load's Node CPU. Results come back
 * in the order chunks were handed out, whichever worker finishes first.
 */
export class ParseWorkers {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve: (p: ParsedChunk) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failure?: Error;

  constructor(count: number, data: ParseWorkerData) {
    this.workers = Array.from({ length: count }, () => startWorker(data));
    for (const w of this.workers) {
      w.on('message', (m: { id: number; parsed?: ParsedChunk; error?: string }) => {
        const waiter = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.error !== undefined) waiter?.reject(new Error(`parse worker failed: ${m.error}`));
        else waiter?.resolve(m.parsed!);
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`parse worker exited with code ${code}`));
      });
    }
  }

  /** The chunk, parsed by the next worker in turn. */
  parse(file: string, chunk: LineChunk): Promise<ParsedChunk> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const request: ParseRequest = { id, file, chunk };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // The read chunk is handed over, not copied (transferable: see ownBuffers).
      this.workers[id % this.workers.length].postMessage(request, ownBuffers([chunk.bytes]));
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    this.failure ??= new Error('parse workers closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /**
   * Every chunk of `chunks` parsed, in order, handed to `take` one at a time while up to two chunks per worker
   * are being parsed ahead. Stops at the first error (reading, parsing or `take`), after the chunks in flight.
   */
  async run(file: string, chunks: AsyncIterable<LineChunk>, take: (parsed: ParsedChunk) => Promise<void>): Promise<void> {
    const ahead: Promise<ParsedChunk>[] = [];
    try {
      for await (const chunk of chunks) {
        ahead.push(this.parse(file, chunk));
        // Handled when taken; an error here would otherwise be reported as unhandled first.
        ahead[ahead.length - 1].catch(() => undefined);
        if (ahead.length >= 2 * this.workers.length) await take(await ahead.shift()!);
      }
      while (ahead.length) await take(await ahead.shift()!);
    } finally {
      await Promise.allSettled(ahead);
    }
  }
}

/**
 * The memory of these views that can move to another thread instead of being copied: whole ArrayBuffers not
 * shared with anything else. Node's small Buffers live in a shared pool (Buffer.poolSize), which must never
 * move; a view into a larger buffer moves the whole buffer, so only pass views whose buffer is theirs alone.
 */
export function ownBuffers(views: readonly ArrayBufferView[]): ArrayBuffer[] {
  // isArrayBuffer, not instanceof: Buffers made by Node itself may come from another realm (a test runner's).
  const buffers = views.map((v) => v.buffer).filter((b): b is ArrayBuffer => types.isArrayBuffer(b) && b.byteLength > Buffer.poolSize);
  return [...new Set(buffers)];
}

/** Compiled: the worker's .js file. From the TypeScript sources (the test runner): the same through tests/helpers/ts-register.js. */
function startWorker(workerData: ParseWorkerData): Worker {
  const entry = path.join(__dirname, `parse-worker${path.extname(__filename)}`);
  if (entry.endsWith('.js')) return new Worker(entry, { workerData });
  const register = path.join(__dirname, '..', '..', 'tests', 'helpers', 'ts-register.js');
  return new Worker(`require(${JSON.stringify(register)}); require(${JSON.stringify(entry)});`, { eval: true, workerData });
}
