/** stream/promises' pipeline for the per-request paths, without the AbortController it aborts on every finish. */
import { finished, type Readable, type Writable } from 'node:stream';

/**
 * Pipes `streams` in order; resolves when the first has ended, every middle one has ended both sides
 * and the last has finished; on the first error or premature close of any, destroys every one not yet
 * done with that error and rejects — what `pipeline` does. Why not `pipeline`: it aborts an internal
 * AbortController when it settles, which builds a DOMException with a stack trace (~30 µs, once per
 * PUT and per GET: several % of a small request's CPU).
 * The end-of-stream listeners stay attached, as pipeline's do: a late 'error' finds a listener.
 */
export function pipeStreams(...streams: [Readable, ...Array<Readable & Writable>, Writable]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failed = false;
    let pending = streams.length;
    const done = streams.map(() => false);
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      streams.forEach((s, i) => { if (!done[i]) s.destroy(error); });
      reject(error);
    };
    streams.forEach((stream, i) => {
      finished(stream, { readable: i < streams.length - 1, writable: i > 0 }, (err) => {
        if (err) {
          fail(err);
          return;
        }
        done[i] = true;
        if (--pending === 0 && !failed) resolve();
      });
    });
    for (let i = 1; i < streams.length; i++) (streams[i - 1] as Readable).pipe(streams[i] as Writable);
  });
}
