/**
 * Deterministic fault injection shared by the in-memory drivers: a seeded PRNG, random fault plans drawn from
 * rates, and one-shot scripted faults for unit tests. Every random draw of a call happens synchronously when the
 * call starts, so outcomes depend only on the seed and the order of calls, never on timer interleaving.
 */
import { z } from 'zod';
import { ErrorCodes, EventStoreAdapterError, type ErrorCode } from '../../src/errors/index.js';

/** A fault kind. */
export type FaultKind = 'throttle' | 'transient' | 'conflict' | 'unprocessed' | 'lostResponse';

/** Every fault kind, in the order random plans consider them. */
export const FAULT_KINDS: readonly FaultKind[] = ['throttle', 'transient', 'conflict', 'unprocessed', 'lostResponse'];

/** Random fault injection, reproducible from `seed`. Rates are probabilities per call, 0..1. */
export interface FaultOptions {
  /** Seed of the PRNG: the same seed and the same sequence of calls give the same faults. */
  readonly seed: number;
  /** Probability that a call throws `DRIVER/THROTTLED` before doing anything. */
  readonly throttleRate?: number;
  /** Probability that a call throws `DRIVER/TRANSIENT` before doing anything. */
  readonly transientRate?: number;
  /** Probability that a transaction is cancelled with a `conflict` reason on one action (nothing applied). */
  readonly conflictRate?: number;
  /** Probability that a batch-get/batch-write leaves a random non-empty subset unprocessed (returned, not applied). */
  readonly unprocessedRate?: number;
  /** Probability that a write APPLIES and then throws `DRIVER/TRANSIENT` (response lost after commit). */
  readonly lostResponseRate?: number;
  /**
   * Of the lost responses drawn from `lostResponseRate`, the share (0..1, default 0) reported as `DRIVER/THROTTLED`
   * instead: what an AWS SDK call throws when its first attempt committed unanswered and its retries were throttled.
   * Every lost response carries `details.mayHaveLanded: true`, whatever its code.
   */
  readonly lostResponseThrottledShare?: number;
  /** Random delay before each call, in milliseconds, uniform in `[min, max]`. */
  readonly latencyMs?: { readonly min: number; readonly max: number };
}

/** A one-shot fault queued with `injectFault` for the next call of one operation. */
export type ScriptedFault =
  /** Throw `DRIVER/THROTTLED` before doing anything. */
  | { readonly kind: 'throttle' }
  /** Throw `DRIVER/TRANSIENT` before doing anything. */
  | { readonly kind: 'transient' }
  /** Cancel the transaction with `conflict` on action `actionIndex` (default: the first), `none` on the others. */
  | { readonly kind: 'conflict'; readonly actionIndex?: number }
  /** Leave the LAST `count` keys/requests of the batch unprocessed (default 1; clamped to the batch size). */
  | { readonly kind: 'unprocessed'; readonly count?: number }
  /**
   * Apply the write, then throw `DRIVER/TRANSIENT` (or, `reportAs: 'throttle'`, `DRIVER/THROTTLED`: the last
   * attempt's refusal after an unanswered first one), with `details.mayHaveLanded: true`.
   */
  | { readonly kind: 'lostResponse'; readonly reportAs?: 'transient' | 'throttle' };

/** What a call must suffer: an optional delay and at most one fault. */
export interface FaultPlan {
  /** Milliseconds to wait before the call takes effect (0: none). */
  readonly delayMs: number;
  /** The fault, if any. */
  readonly fault?: ScriptedFault;
  /** Whether `fault` was scripted (true) or drawn from the rates (false). */
  readonly scripted: boolean;
  /** A PRNG of this call's own, for choices made while applying the fault (which keys stay unprocessed, ...). */
  readonly random: Prng;
}

/** Per-kind counts of faults that took effect. */
export type FaultCounts = Record<FaultKind, number>;

/**
 * A small seeded PRNG (a Weyl sequence through a 32-bit integer mixer). Not cryptographic; fast and reproducible.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (inclusive). */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** `count` distinct indexes of `0..size-1`, ascending. */
  sample(size: number, count: number): number[] {
    const indexes = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = this.integer(i, size - 1);
      [indexes[i], indexes[j]] = [indexes[j]!, indexes[i]!];
    }
    return indexes.slice(0, count).sort((x, y) => x - y);
  }
}

const rate = z.number().min(0).max(1);

/** Zod schema of {@link FaultOptions}. */
export const faultOptionsSchema = z
  .object({
    seed: z.number().int(),
    throttleRate: rate.optional(),
    transientRate: rate.optional(),
    conflictRate: rate.optional(),
    unprocessedRate: rate.optional(),
    lostResponseRate: rate.optional(),
    lostResponseThrottledShare: rate.optional(),
    latencyMs: z
      .object({ min: z.number().min(0), max: z.number().min(0) })
      .strict()
      .refine((latency) => latency.min <= latency.max, { message: 'latencyMs.min must be <= latencyMs.max' })
      .optional(),
  })
  .strict();

/**
 * Plans faults for one driver. `applicable` maps each operation name to the fault kinds it can suffer; the
 * random plan of an operation only considers those kinds, and `inject` refuses the others.
 */
export class FaultPlanner<Operation extends string> {
  private readonly random: Prng;
  private readonly queues = new Map<Operation, ScriptedFault[]>();
  private readonly counts: FaultCounts = { throttle: 0, transient: 0, conflict: 0, unprocessed: 0, lostResponse: 0 };

  constructor(
    private readonly options: FaultOptions | undefined,
    private readonly applicable: Readonly<Record<Operation, readonly FaultKind[]>>,
  ) {
    this.random = new Prng(options?.seed ?? 0);
  }

  /**
   * Queue a one-shot fault for the next call of `operation`. Throws `INPUT/INVALID_OPTIONS` when the operation
   * cannot suffer that kind (for example a conflict on a get).
   */
  inject(operation: Operation, fault: ScriptedFault): void {
    const kinds = this.applicable[operation];
    if (kinds === undefined || !kinds.includes(fault.kind)) {
      throw new EventStoreAdapterError(ErrorCodes.INVALID_OPTIONS, `Fault '${fault.kind}' cannot be injected into '${operation}'`, {
        details: { operation, fault: fault.kind, applicable: kinds ?? [] },
      });
    }
    const queue = this.queues.get(operation) ?? [];
    queue.push(fault);
    this.queues.set(operation, queue);
  }

  /** Draw the plan of one call of `operation`. Call synchronously at the start of the call. */
  plan(operation: Operation): FaultPlan {
    const options = this.options;
    const delayMs = options?.latencyMs ? this.random.integer(options.latencyMs.min, options.latencyMs.max) : 0;
    const random = new Prng(Math.floor(this.random.next() * 4294967296));
    const scripted = this.queues.get(operation)?.shift();
    if (scripted !== undefined) return { delayMs, fault: scripted, scripted: true, random };
    if (options === undefined) return { delayMs, scripted: false, random };
    for (const kind of this.applicable[operation] ?? []) {
      const probability = rateOf(options, kind);
      if (probability > 0 && this.random.next() < probability) {
        return { delayMs, fault: { kind } as ScriptedFault, scripted: false, random };
      }
    }
    return { delayMs, scripted: false, random };
  }

  /** Record that a fault of `kind` took effect. */
  record(kind: FaultKind): void {
    this.counts[kind] += 1;
  }

  /**
   * Before a call takes effect: throw the plan's throttle (`DRIVER/THROTTLED`) or transient (`DRIVER/TRANSIENT`)
   * fault, if it has one, built by `makeError` (which names the driver), and count it.
   */
  throwIfFailFast(plan: FaultPlan, makeError: (code: ErrorCode, message: string, details: Record<string, unknown>) => Error): void {
    const kind = plan.fault?.kind;
    if (kind === 'throttle') {
      this.record('throttle');
      throw makeError(ErrorCodes.THROTTLED, 'Injected fault: throttled', { injected: true });
    }
    if (kind === 'transient') {
      this.record('transient');
      throw makeError(ErrorCodes.TRANSIENT, 'Injected fault: transient failure', { injected: true });
    }
  }

  /**
   * After a write applied: throw the plan's lost-response fault, if it has one: `DRIVER/TRANSIENT`, or
   * `DRIVER/THROTTLED` when scripted so or drawn within `lostResponseThrottledShare`; `details.applied` and
   * `details.mayHaveLanded` are true either way.
   */
  throwIfLostResponse(plan: FaultPlan, makeError: (code: ErrorCode, message: string, details: Record<string, unknown>) => Error): void {
    const fault = plan.fault;
    if (fault?.kind !== 'lostResponse') return;
    this.record('lostResponse');
    const share = this.options?.lostResponseThrottledShare ?? 0;
    // The share is drawn only when configured, so seeds without it keep their sequences.
    const throttled = plan.scripted ? fault.reportAs === 'throttle' : share > 0 && plan.random.next() < share;
    const details = { injected: true, applied: true, mayHaveLanded: true };
    if (throttled) throw makeError(ErrorCodes.THROTTLED, 'Injected fault: write applied unanswered, its retries throttled', details);
    throw makeError(ErrorCodes.TRANSIENT, 'Injected fault: response lost after the write applied', details);
  }

  /** Copy of the per-kind counts of faults that took effect. */
  snapshot(): FaultCounts {
    return { ...this.counts };
  }
}

function rateOf(options: FaultOptions, kind: FaultKind): number {
  switch (kind) {
    case 'throttle':
      return options.throttleRate ?? 0;
    case 'transient':
      return options.transientRate ?? 0;
    case 'conflict':
      return options.conflictRate ?? 0;
    case 'unprocessed':
      return options.unprocessedRate ?? 0;
    case 'lostResponse':
      return options.lostResponseRate ?? 0;
  }
}

/** Wait `ms` milliseconds (resolves at once for 0). */
export function delay(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}
