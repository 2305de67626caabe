/**
 * Workflow commands (`::add-mask::...`) that the real door writes to stdout in-process, caught so
 * that they stay off the test runner's protocol; everything else passes through.
 */
const realWrite = process.stdout.write.bind(process.stdout);

/** The commands written since `startCatching`, one per line. */
export const caught: string[] = [];

export function startCatching(): void {
  caught.length = 0;
  process.stdout.write = (chunk: unknown, ...rest: unknown[]): boolean => {
    if (typeof chunk === 'string' && chunk.startsWith('::')) {
      caught.push(...chunk.split(/\r?\n/).filter((line) => line !== ''));
      return true;
    }
    return (realWrite as (chunk: unknown, ...rest: unknown[]) => boolean)(chunk, ...rest);
  };
}

export function stopCatching(): void {
  process.stdout.write = realWrite;
}
