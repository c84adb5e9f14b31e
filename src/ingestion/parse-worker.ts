// Worker thread entry: parses and validates chunks of an NDJSON file for ParseWorkers (parse-workers.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { LineChunk } from './formats/read-lines';
import { parseNdjsonChunk } from './parse-chunk';
import { ownBuffers } from './parse-workers';
import { RecordType } from './records';
import { ValidationContext } from './validate';

export interface ParseWorkerData {
  validation: ValidationContext;
  bulkTypes: readonly RecordType[];
}

export interface ParseRequest {
  id: number;
  file: string;
  chunk: LineChunk;
}

const { validation, bulkTypes } = workerData as ParseWorkerData;

parentPort!.on('message', ({ id, file, chunk }: ParseRequest) => {
  try {
    // Structured cloning hands a Buffer over as a plain Uint8Array.
    const bytes = Buffer.from(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength);
    const parsed = parseNdjsonChunk(file, { ...chunk, bytes }, validation, bulkTypes);
    const views = [parsed.order, ...parsed.copy.flatMap((c) => [c.text, c.ends, c.lines])];
    parentPort!.postMessage({ id, parsed }, ownBuffers(views));
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
