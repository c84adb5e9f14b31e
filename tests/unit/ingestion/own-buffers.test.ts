import { ownBuffers } from '../../../src/ingestion/parse-workers';

describe('ownBuffers: what may move to a parse worker instead of being copied', () => {
  it("never moves Node's shared pool of small Buffers", () => {
    const small = Buffer.from('a small line of COPY text\n');
    expect(small.buffer.byteLength).toBe(Buffer.poolSize);
    expect(ownBuffers([small])).toEqual([]);
  });

  it('moves a large buffer once, however many views of it are passed', () => {
    const big = Buffer.alloc(1 << 20);
    const ends = new Uint32Array(5000);
    const moved = ownBuffers([big.subarray(0, 100), big.subarray(100), ends]);
    expect(moved).toHaveLength(2);
    expect(moved).toContain(big.buffer);
    expect(moved).toContain(ends.buffer);
  });

  it('copies what is too small to be worth moving', () => {
    expect(ownBuffers([new Uint8Array(16)])).toEqual([]);
  });
});
