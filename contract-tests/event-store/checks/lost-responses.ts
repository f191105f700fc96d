/**
 * Lost responses (issue 16): a write whose answer never arrived may have committed, so nothing of it may be taken
 * back. An event stored while its writer was told `STORE/OUTCOME_UNKNOWN`, and a snapshot put back by a save whose
 * first answer was lost while another store saved the same sequence, must read back whole: their blobs are still
 * there (the write path never deletes a blob; orphans are the sweeper's).
 */
import type { CreatedEvent } from '../../../src/compat/contract-types.js';
import { ErrorCodes, EventStoreAdapterError } from '../../../src/errors/index.js';
import { EventStore } from '../../../src/event-store.js';
import type { KvDriver, TransactAction, TransactResult } from '../../../src/ports/kv-driver.js';
import { ForwardingKvDriver } from '../../faulty/forwarding.js';
import { ensure, ensureEqual } from '../../harness.js';
import { freshId } from '../arbitraries.js';
import { withFixture, type EventStoreCheck } from '../fixture.js';

const at = new Date(Date.UTC(2025, 2, 1));

/** A driver error the core retries and cannot classify as a refusal: the answer of a request that may have landed. */
function lostAnswer(): EventStoreAdapterError {
  return new EventStoreAdapterError(ErrorCodes.TRANSIENT, 'response lost (staged by the contract check)', { details: { staged: true } });
}

/**
 * A network partition that opens right after a commit: once armed, the first transaction `matches` accepts is
 * applied, `hook` runs (other processes meanwhile), and its caller is told its answer was lost; with `partition`,
 * every later call fails the same way (retries and the check after them see nothing) until `heal()`.
 */
class LostAnswerKvDriver extends ForwardingKvDriver {
  private armed = false;
  private cut = false;
  /** Transactions applied whose answer was dropped. */
  lost = 0;

  constructor(
    inner: KvDriver,
    private readonly matches: (actions: readonly TransactAction[]) => boolean,
    private readonly options: { readonly partition: boolean; readonly hook?: () => Promise<void> },
  ) {
    super(inner);
  }

  arm(): void {
    this.armed = true;
  }

  heal(): void {
    this.cut = false;
    this.armed = false;
  }

  override async get(...args: Parameters<KvDriver['get']>): ReturnType<KvDriver['get']> {
    if (this.cut) throw lostAnswer();
    return super.get(...args);
  }

  override async batchGet(...args: Parameters<KvDriver['batchGet']>): ReturnType<KvDriver['batchGet']> {
    if (this.cut) throw lostAnswer();
    return super.batchGet(...args);
  }

  override async query(...args: Parameters<KvDriver['query']>): ReturnType<KvDriver['query']> {
    if (this.cut) throw lostAnswer();
    return super.query(...args);
  }

  override async batchWrite(...args: Parameters<KvDriver['batchWrite']>): ReturnType<KvDriver['batchWrite']> {
    if (this.cut) throw lostAnswer();
    return super.batchWrite(...args);
  }

  override async transactWrite(
    table: string,
    actions: readonly TransactAction[],
    options?: { readonly token?: string },
  ): Promise<TransactResult> {
    if (this.cut) throw lostAnswer();
    const result = await super.transactWrite(table, actions, options);
    if (!this.armed || !result.committed || !this.matches(actions)) return result;
    this.armed = false;
    this.lost += 1;
    this.cut = this.options.partition;
    await this.options.hook?.();
    throw lostAnswer();
  }
}

const puts = (test: (item: Record<string, unknown>) => boolean) => (actions: readonly TransactAction[]) =>
  actions.some((action) => action.type === 'put' && test(action.item));
/** An event write (it puts an id guard, `e|<id>`). */
const putsGuard = puts((item) => String(item.pk).startsWith('e|'));
/** A snapshot save (it puts the item of sort key -1). */
const putsSnapshot = puts((item) => item.sk === -1);
/** What a failed read or write says, as text (for the violation's message). */
const failure = (what: string) => (error: unknown) => `${what} failed: ${String((error as { code?: string }).code ?? error)}`;

/** The two lost-answer hazards of issue 16 on offloaded payloads: a committed event, and a snapshot raced at its own sequence. */
export const lostResponseCheck: EventStoreCheck = {
  name:
    'a write whose answer was lost keeps its payload: an event committed under STORE/OUTCOME_UNKNOWN ' +
    'and a snapshot raced at its sequence read back whole',
  group: 'writes',
  requires: (capabilities) => capabilities.hasBlobStore,
  run: (factory) =>
    withFixture(factory, async (open, fixture) => {
      const store = await open({ offloadThresholdBytes: 1024 });
      // Another instance on the same table and blob scope, over a staged driver.
      const { tableName, blobKeyPrefix } = store.options;
      const retry = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 };
      const twin = (kv: KvDriver) =>
        new EventStore({ kv, blobs: fixture.blobs!, tableName, blobKeyPrefix, offloadThresholdBytes: 1024, retry });

      // 1. The event's transaction commits, then the network drops: every retry and the guard check fail.
      const partitioned = new LostAnswerKvDriver(fixture.kv, putsGuard, { partition: true });
      const writer = twin(partitioned);
      await writer.init();
      const payload = { text: 'x'.repeat(4_000) };
      const big: CreatedEvent = { id: freshId(), domain: 'lost', type: 't', identifier: 'e', payload, created: at };
      partitioned.arm();
      let code: string | undefined;
      try {
        await writer.storeEvents([big]);
      } catch (error) {
        code = (error as { code?: string }).code;
      }
      partitioned.heal();
      ensure(partitioned.lost === 1, `the staged commit-then-lose happened (${partitioned.lost})`);
      ensure(
        code === 'STORE/OUTCOME_UNKNOWN',
        () => `a commit whose answer and checks were lost: expected STORE/OUTCOME_UNKNOWN, got ${code}`,
      );
      const read = await store.getEventById(big.id).catch(failure('getEventById'));
      const committed = 'the event committed under STORE/OUTCOME_UNKNOWN: its offloaded payload';
      ensureEqual(typeof read === 'string' ? read : read?.payload, payload, committed);
      const retried = await writer.appendEvents([{ ...big }]).catch(failure('the identical retry'));
      const sequences = typeof retried === 'string' ? retried : retried.map((stored) => stored.sequence);
      ensureEqual(sequences, [1], 'the identical retry returns the stored event');

      // 2. A's snapshot save commits; before its answer, B saves the same sequence; A's answer is lost and it retries.
      const state = (who: string) => ({ who, text: who.repeat(3_000) });
      const racing = new LostAnswerKvDriver(fixture.kv, putsSnapshot, {
        partition: false,
        hook: () => store.saveSnapshot({ domain: 'lost', identifier: 's', state: state('B'), sequence: 4, created: at }),
      });
      const saver = twin(racing);
      await saver.init();
      racing.arm();
      await saver.saveSnapshot({ domain: 'lost', identifier: 's', state: state('A'), sequence: 4, created: at });
      ensure(racing.lost === 1, `the staged snapshot race happened (${racing.lost})`);
      const snapshot = await store.getSnapshot<{ who: string }>('lost', 's').catch(failure('getSnapshot'));
      ensure(typeof snapshot !== 'string', () => `after a lost answer raced at the same sequence: ${String(snapshot)}`);
      const who = snapshot?.state.who ?? '';
      const whole = snapshot?.sequence === 4 && ['A', 'B'].includes(who) && JSON.stringify(snapshot.state) === JSON.stringify(state(who));
      ensure(whole, () => `the stored snapshot is one of the two saves, whole: ${JSON.stringify(snapshot).slice(0, 200)}`);
    }),
};
