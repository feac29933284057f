import { describe, expect, it } from 'vitest';
import { createOrderedPipeline } from './pipeline.js';

/** A promise resolved from outside, to finish jobs in any order. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('createOrderedPipeline', () => {
  it('writes in submission order although later jobs finish first, keeping depth − 1 in flight', async () => {
    const pipe = createOrderedPipeline<number>(3);
    const [j0, j1, j2] = [deferred<number>(), deferred<number>(), deferred<number>()];
    const written: number[] = [];
    const finish = async (v: number): Promise<void> => void written.push(v);
    await pipe.push(j0.promise, finish);
    await pipe.push(j1.promise, finish);
    expect(written).toEqual([]); // two in flight: nothing waited for yet
    j2.resolve(2);
    j1.resolve(1);
    const third = pipe.push(j2.promise, finish); // the third makes the oldest due
    await Promise.resolve();
    expect(written).toEqual([]); // job 0 still running: job 1's result waits for it
    j0.resolve(0);
    await third;
    expect(written).toEqual([0]);
    await pipe.drain();
    expect(written).toEqual([0, 1, 2]);
  });

  it('with depth 1 finishes each job before push returns', async () => {
    const pipe = createOrderedPipeline<string>(1);
    const written: string[] = [];
    await pipe.push(Promise.resolve('a'), async (v) => void written.push(v));
    expect(written).toEqual(['a']);
  });

  it('surfaces a failed job at its turn, after the jobs before it are written', async () => {
    const pipe = createOrderedPipeline<number>(3);
    const written: number[] = [];
    const finish = async (v: number): Promise<void> => void written.push(v);
    await pipe.push(Promise.resolve(0), finish);
    await pipe.push(Promise.reject(new Error('chunk 1 failed')), finish);
    await expect(pipe.drain()).rejects.toThrow('chunk 1 failed');
    expect(written).toEqual([0]);
    await pipe.settle();
  });

  it('rejects a depth below 1', () => {
    expect(() => createOrderedPipeline(0)).toThrow(/depth/);
  });
});
