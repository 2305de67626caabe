/**
 * exec writes a child's stdin (`cp.stdin.end(input)`) without listening for that write's errors:
 * a child that exits before reading it fails the write (EPIPE), an 'error' event nobody handles,
 * which would end the step with a stack trace. Node announces every new child process on the
 * 'child_process' diagnostics channel; while guarded work runs, each child's stdin gets a
 * listener that drops its errors (what the child made of its input shows in its exit code and
 * output).
 */
import type { ChildProcess } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

const CHANNEL = 'child_process';

/** Guarded work in flight: the channel is listened to while there is any. */
let guarded = 0;

function ignore(): void {}

function onChild(message: unknown): void {
  const child = (message as { process?: ChildProcess }).process;
  // Published from the child's constructor, before spawn() creates its stdin. exec writes stdin
  // in the same tick as the spawn, and a stream reports a failed write on a later tick: a
  // listener added on the next tick is always in time.
  process.nextTick(() => child?.stdin?.on('error', ignore));
}

/** Runs `work`, which starts child processes, with their stdin's errors dropped. */
export async function withStdinErrorsDropped<T>(work: () => Promise<T>): Promise<T> {
  if (guarded++ === 0) subscribe(CHANNEL, onChild);
  try {
    return await work();
  } finally {
    if (--guarded === 0) unsubscribe(CHANNEL, onChild);
  }
}
