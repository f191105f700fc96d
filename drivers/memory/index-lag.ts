/**
 * The propagation-lag distribution of the twin's opt-in index lag (`MemoryKvDriver` option `indexLag`): a seeded,
 * long-tailed distribution of delays in milliseconds. Most delays come from an exponential body around `medianMs`;
 * with probability `tailProbability` a delay comes from a uniform tail between `medianMs` and `tailMs`. No delay
 * ever exceeds `tailMs`, so `tailMs` is the longest an index (or an eventually consistent read) can lag.
 */
import { z } from 'zod';
import { Prng } from './faults.js';

/** Shape of the index propagation lag. All times in milliseconds of the driver's `clock`. */
export interface IndexLagOptions {
  /** Seed of the lag PRNG: the same seed and the same sequence of calls give the same delays. Integer. */
  readonly seed: number;
  /**
   * Median delay of the body, in milliseconds (>= 0): body delays are exponential with this median (half are
   * shorter), capped at `tailMs`. 0 makes body delays 0.
   */
  readonly medianMs: number;
  /** Longest delay, in milliseconds (>= `medianMs`): tail delays are uniform in [`medianMs`, `tailMs`]. */
  readonly tailMs: number;
  /** Probability, 0..1, that a delay is drawn from the tail rather than the body. */
  readonly tailProbability: number;
}

/** Zod schema of {@link IndexLagOptions}. */
export const indexLagSchema = z
  .object({
    seed: z.number().int(),
    medianMs: z.number().finite().min(0),
    tailMs: z.number().finite().min(0),
    tailProbability: z.number().min(0).max(1),
  })
  .strict()
  .refine((lag) => lag.tailMs >= lag.medianMs, { message: 'tailMs must be >= medianMs', path: ['tailMs'] });

/** Draws delays from the distribution of {@link IndexLagOptions}, deterministically from its seed. */
export class LagSampler {
  private readonly random: Prng;

  constructor(private readonly options: IndexLagOptions) {
    this.random = new Prng(options.seed);
  }

  /** The longest delay this sampler can draw, in milliseconds (`tailMs`). */
  get maxMs(): number {
    return this.options.tailMs;
  }

  /** The next delay, in milliseconds, in [0, `tailMs`]. Always consumes two PRNG draws. */
  next(): number {
    const { medianMs, tailMs, tailProbability } = this.options;
    const fromTail = this.random.next() < tailProbability;
    const u = this.random.next();
    if (fromTail) return medianMs + u * (tailMs - medianMs);
    return Math.min(tailMs, -medianMs * Math.log2(1 - u));
  }
}
