/**
 * Fault injection of the KV driver, per call: which faults each operation can suffer ({@link KV_FAULTS}), the
 * call's plan (drawn by the shared {@link FaultPlanner}) and what each planned fault does to the call: fail fast,
 * leave batch elements unprocessed, cancel a transaction with a conflict, or lose the response of an applied write.
 * Every choice comes from the plan's own PRNG, so outcomes depend only on the seed and the order of calls.
 */
import type { ActionFailure } from '../../src/ports/kv-driver.js';
import type { MeteredOperation } from './capacity.js';
import type { DriverErrorFactory } from './errors.js';
import { FaultPlanner, type FaultCounts, type FaultKind, type FaultOptions, type FaultPlan, type ScriptedFault } from './faults.js';

/** Operations of the KV driver that faults can be injected into. */
export type KvOperation = MeteredOperation;

/** Fault kinds each KV operation can suffer. */
export const KV_FAULTS: Readonly<Record<KvOperation, readonly FaultKind[]>> = Object.freeze({
  get: ['throttle', 'transient'],
  query: ['throttle', 'transient'],
  batchGet: ['throttle', 'transient', 'unprocessed'],
  batchWrite: ['throttle', 'transient', 'unprocessed', 'lostResponse'],
  transactWrite: ['throttle', 'transient', 'conflict', 'lostResponse'],
});

/** The KV driver's faults: plans per call and their effects; errors are built by the driver's error factory. */
export class KvFaults {
  private readonly planner: FaultPlanner<KvOperation>;

  /** `options` absent: no random faults (scripted ones still work). */
  constructor(
    options: FaultOptions | undefined,
    private readonly error: DriverErrorFactory,
  ) {
    this.planner = new FaultPlanner<KvOperation>(options, KV_FAULTS);
  }

  /** Draw the plan of one call of `operation`; call synchronously when the call starts. */
  plan(operation: KvOperation): FaultPlan {
    return this.planner.plan(operation);
  }

  /** Before the call takes effect (after validation): throw the plan's throttle or transient fault, if any. */
  throwIfFailFast(plan: FaultPlan): void {
    this.planner.throwIfFailFast(plan, this.error);
  }

  /**
   * Indexes of the `size` batch elements the plan leaves unprocessed (empty without an `unprocessed` fault): a
   * scripted fault leaves the last `count` (default 1, clamped to 1..size), a random one a random non-empty subset.
   */
  unprocessed(plan: FaultPlan, size: number): Set<number> {
    if (plan.fault?.kind !== 'unprocessed') return new Set();
    this.planner.record('unprocessed');
    if (plan.scripted) {
      const count = Math.min(size, Math.max(1, plan.fault.count ?? 1));
      return new Set(Array.from({ length: count }, (_, i) => size - count + i));
    }
    return new Set(plan.random.sample(size, plan.random.integer(1, size)));
  }

  /**
   * The cancellation reasons of a transaction of `actionCount` actions that the plan cancels with a conflict
   * (`conflict` on one action, `none` on the others), or `undefined` without a `conflict` fault. A scripted fault
   * names the action (`actionIndex`, clamped, default the first); a random one picks it.
   */
  conflict(plan: FaultPlan, actionCount: number): ActionFailure[] | undefined {
    if (plan.fault?.kind !== 'conflict') return undefined;
    this.planner.record('conflict');
    const at = plan.scripted
      ? Math.min(Math.max(0, plan.fault.actionIndex ?? 0), actionCount - 1)
      : plan.random.integer(0, actionCount - 1);
    return Array.from({ length: actionCount }, (_, i): ActionFailure => (i === at ? { kind: 'conflict' } : { kind: 'none' }));
  }

  /** After a write applied (or replayed): throw the plan's lost-response fault (`DRIVER/TRANSIENT`), if any. */
  throwIfLostResponse(plan: FaultPlan): void {
    this.planner.throwIfLostResponse(plan, this.error);
  }

  /** Queue a one-shot fault for the next call of `operation`; `INPUT/INVALID_OPTIONS` when it cannot suffer it. */
  inject(operation: KvOperation, fault: ScriptedFault): void {
    this.planner.inject(operation, fault);
  }

  /** How many faults of each kind took effect so far. */
  counts(): FaultCounts {
    return this.planner.snapshot();
  }
}
