import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Rejection } from './records';

/** Where rejected records go: every one is written, none is dropped. */
export interface RejectSink {
  write(rejection: Rejection): Promise<void>;
  close(): Promise<void>;
}

/** NDJSON file, created on the first reject (a clean load leaves no empty file behind). */
export class FileRejectSink implements RejectSink {
  private stream?: WriteStream;
  count = 0;
  constructor(readonly path: string) {}

  async write(r: Rejection): Promise<void> {
    if (!this.stream) this.stream = createWriteStream(this.path, { flags: 'w' });
    this.count += 1;
    const line = JSON.stringify({ file: r.file, line: r.line, type: r.type, key: r.key, field: r.field, reason: r.reason }) + '\n';
    if (!this.stream.write(line)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.stream) return;
    const s = this.stream;
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

export class MemoryRejectSink implements RejectSink {
  readonly rejections: Rejection[] = [];
  async write(r: Rejection): Promise<void> {
    this.rejections.push(r);
  }
  async close(): Promise<void> {}
}
