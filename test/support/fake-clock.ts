/** Time that passes only when a sleep or a test moves it; every sleep is recorded. */
import type { Clock } from '../../src/backends/retry.ts';

export function fakeClock(start = Date.UTC(2030, 0, 1)): {
  clock: Clock;
  sleeps: number[];
  advance: (ms: number) => void;
} {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms) => {
      now += ms;
    },
    clock: {
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      random: () => 0.5,
    },
  };
}
