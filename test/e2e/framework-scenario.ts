/**
 * End to end with the REAL framework, `@schemeless/event-store@5.0.1`: the bank app of `bank-app.ts` runs the same
 * scenario on the in-memory twin (`new EventStoreRepo()`, framework.test.ts) and on DynamoDB Local + the S3 server
 * (drop-in constructor, framework.real.test.ts). The steps share one store and run in file order; each asserts what the framework and the repo did.
 * Steps are numbered as in the brief; step 7 (the 500 KB event) runs before replay (3) so every later step carries
 * it, and step 8 (a new repo over the same table and bucket) runs only where the data outlives the repo object.
 *
 * Framework behaviours found while reading its code and documented by tests below (not adapter defects):
 * - `replay(startFromId)` starts every aggregate at `initialState` and re-runs `validate`: an aggregate flow whose
 *   rule reads the state rejects the tail (step 3). A read model rebuilt with rule-free flows resumes exactly.
 * - `revert` stores compensating events with `storeEvents` directly: no validate, apply or observers, so a live
 *   projection only sees them after a replay; their `causationId` is the reverted event, so they join its tree.
 * - Under the npm override of `@schemeless/event-store-types` to 6.0.0-rc.5 (the only way the framework installs
 *   here), `RevertError`, `FlowNotFoundError` and `AggregateError` are not exported: the framework's own refusals
 *   (e.g. reverting a non-root event) surface as `TypeError: ... is not a constructor`.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorCodes, EventStoreAdapterError, type EventStoreRepo, type StoredEvent } from '../../src/index.js';
import type { E2eBackend } from './backends.js';
import {
  ACCOUNT,
  AccountEvents,
  BankProjection,
  BankRuleCodes,
  INITIAL_ACCOUNT,
  TRANSFER,
  TransferEvents,
  reduceAccount,
  replayInto,
  startBankApp,
  type BankApp,
  type BankView,
} from './bank-app.js';
import type { FlowEvent, RevertOutcome } from './framework-shapes.js';

/** The size of the large event's payload: above DynamoDB's 400 KB item limit, so it must be offloaded. */
const LARGE_PAYLOAD_BYTES = 500_000;

/** A backend the scenario runs on. `durable`: the data outlives the repo object, so a new repo over the same table and bucket must see it. */
export interface ScenarioBackend {
  readonly name: string;
  readonly skip: boolean;
  readonly durable: boolean;
  make(): E2eBackend;
}

/** Every stored event in global order, through the repo's own replay iterator. */
async function allEvents(repo: EventStoreRepo): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const page of await repo.getAllEvents(200)) events.push(...page);
  return events;
}

/** A created event as the repo must return it: the same fields plus its stream sequence. */
const storedAs = (event: FlowEvent, sequence: number) => ({ ...event, sequence });

/**
 * The large event with its content replaced by its length and SHA-256, so a mismatch prints a short diff, not
 * 500 KB. Any change to the content changes the digest.
 */
function digested(event: FlowEvent | undefined): unknown {
  const payload = event?.payload as { content?: unknown } | undefined;
  if (typeof payload?.content !== 'string') return event;
  const content = `${Buffer.byteLength(payload.content)} bytes, sha256 ${createHash('sha256').update(payload.content).digest('hex')}`;
  return { ...event, payload: { ...payload, content } };
}

/** A statement of at least `bytes` UTF-8 bytes, with multi-byte characters so sizes are not character counts. */
function largeStatement(bytes: number): string {
  const line = 'Kontoauszug ✓ 2024 — ünïcödé line\n';
  const text = line.repeat(Math.ceil(bytes / Buffer.byteLength(line)));
  expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(bytes);
  return text;
}

/** The bank app's numbered steps on `backend`, one describe block (skipped when the backend is unavailable). */
export function bankScenario(backend: ScenarioBackend): void {
  describe.skipIf(backend.skip)(`bank app on the framework: ${backend.name}`, () => {
    let env: E2eBackend;
    let repo: EventStoreRepo;
    let app: BankApp;
    /** The projection and last event id after the first deposits: the prefix a resumed replay starts from. */
    let prefix: { view: BankView; lastId: string };
    let statement: FlowEvent<{ name: string; content: string }>;
    /** The log (large content digested) and a full replay's projection, just before shutdown. */
    let final: { log: unknown[]; view: BankView };

    beforeAll(async () => {
      if (backend.skip) return;
      env = backend.make();
      repo = env.repo;
      app = await startBankApp(repo);
    });
    afterAll(() => env?.dispose());

    it('1. stores received events with gapless per-stream sequences; transfer consequences land in two other streams; observers saw all', async () => {
      const opened = [...(await app.open('alice', 'Alice')), ...(await app.open('bob', 'Bob')), ...(await app.open('carol', 'Carol'))];
      const deposits = [...(await app.deposit('alice', 100_00)), ...(await app.deposit('bob', 50_00))];
      prefix = { view: app.projection.snapshot(), lastId: deposits[1]!.id };
      const [withdrawal] = await app.withdraw('alice', 30_00);
      const transfer = await app.transfer('t-1', 'alice', 'bob', 20_00);
      const [root, debit, credit] = transfer;

      expect(transfer.map((event) => [event.domain, event.identifier, event.type])).toEqual([
        [TRANSFER, 't-1', TransferEvents.REQUESTED],
        [ACCOUNT, 'alice', AccountEvents.WITHDRAWN],
        [ACCOUNT, 'bob', AccountEvents.DEPOSITED],
      ]);
      expect(root!.causationId).toBeUndefined();
      for (const consequence of [debit!, credit!]) expect(consequence).toMatchObject({ causationId: root!.id, correlationId: root!.id });

      expect(await repo.getStreamEvents(ACCOUNT, 'alice')).toEqual(
        [opened[0]!, deposits[0]!, withdrawal!, debit!].map((event, index) => storedAs(event, index + 1)),
      );
      expect(await repo.getStreamEvents(ACCOUNT, 'bob')).toEqual(
        [opened[1]!, deposits[1]!, credit!].map((event, index) => storedAs(event, index + 1)),
      );
      expect(await repo.getStreamEvents(ACCOUNT, 'carol')).toEqual([storedAs(opened[2]!, 1)]);
      expect(await repo.getStreamEvents(TRANSFER, 't-1')).toEqual([storedAs(root!, 1)]);
      expect(await repo.getStreamSequence(ACCOUNT, 'alice')).toBe(4);
      expect(await repo.findByCausationId(root!.id)).toEqual([storedAs(debit!, 4), storedAs(credit!, 3)]);

      const stored = await allEvents(repo);
      expect(stored).toHaveLength(9);
      expect(app.counter.ids).toEqual(stored.map((event) => event.id));
      expect(app.counter.counts()).toEqual({
        'account/AccountOpened': 3,
        'account/Deposited': 3,
        'account/Withdrawn': 2,
        'transfer/TransferRequested': 1,
      });
      expect(app.projection.snapshot()).toEqual({
        accounts: {
          alice: { owner: 'Alice', balance: 50_00, statements: 0 },
          bob: { owner: 'Bob', balance: 70_00, statements: 0 },
          carol: { owner: 'Carol', balance: 0, statements: 0 },
        },
        transfers: { 't-1': { from: 'alice', to: 'bob', amount: 20_00, reversed: false } },
      });
    });

    it('2. a rejected event or transfer stores NOTHING: no storeEvents call, sequences, log and projection unchanged', async () => {
      const streams: Array<[string, string]> = [
        [ACCOUNT, 'alice'],
        [ACCOUNT, 'bob'],
        [ACCOUNT, 'carol'],
        [ACCOUNT, 'dave'],
        [TRANSFER, 't-2'],
        [TRANSFER, 't-3'],
      ];
      const sequences = () => Promise.all(streams.map(([domain, identifier]) => repo.getStreamSequence(domain, identifier)));
      const before = {
        sequences: await sequences(),
        ids: (await allEvents(repo)).map((event) => event.id),
        counts: app.counter.counts(),
        view: app.projection.snapshot(),
      };
      const storeSpy = vi.spyOn(repo, 'storeEvents');

      await expect(app.withdraw('alice', 1_000_00)).rejects.toMatchObject({ code: BankRuleCodes.OVERDRAFT });
      // The root is valid; its consequent debit of carol (balance 0) is not: the whole tree is refused.
      await expect(app.transfer('t-2', 'carol', 'alice', 5_00)).rejects.toMatchObject({ code: BankRuleCodes.OVERDRAFT });
      await expect(app.transfer('t-3', 'bob', 'bob', 1_00)).rejects.toMatchObject({ code: BankRuleCodes.SAME_ACCOUNT });
      await expect(app.deposit('dave', 10_00)).rejects.toMatchObject({ code: BankRuleCodes.ACCOUNT_NOT_OPEN });
      // An unregistered type: the framework's FlowNotFoundError is not exported by types 6.0.0-rc.5, so a TypeError.
      const unknownFlow = await app.store
        .receive({ kind: 'simple', domain: ACCOUNT, type: 'Unregistered' })({ identifier: 'alice', payload: {} })
        .catch((error: unknown) => error);
      expect(unknownFlow).toBeInstanceOf(TypeError);
      expect((unknownFlow as Error).message).toContain('FlowNotFoundError');

      expect(storeSpy).not.toHaveBeenCalled();
      storeSpy.mockRestore();
      expect(await sequences()).toEqual(before.sequences);
      expect((await allEvents(repo)).map((event) => event.id)).toEqual(before.ids);
      expect(app.counter.counts()).toEqual(before.counts);
      expect(app.projection.snapshot()).toEqual(before.view);
      const replayed = await replayInto(repo, { mode: 'write' });
      expect(replayed.counter.ids).toEqual(before.ids);
      expect(replayed.projection.snapshot()).toEqual(before.view);

      // The next accepted event takes the next sequence: no gap where the rejection was.
      const [deposit] = await app.deposit('carol', 10_00);
      expect(await repo.getStreamEvents(ACCOUNT, 'carol', 1)).toEqual([storedAs(deposit!, 2)]);
    });

    it('7. a 500 KB event flows through the framework: stored whole, payload offloaded to the blob store, read back identical', async () => {
      expect(await env.offloadedObjects()).toEqual([]);
      const content = largeStatement(LARGE_PAYLOAD_BYTES);
      const [attached] = await app.attachStatement('alice', 'statement-2024.txt', content);
      statement = attached as typeof statement;

      const objects = await env.offloadedObjects();
      expect(objects).toHaveLength(1);
      expect(objects[0]!.bytes).toBeGreaterThanOrEqual(Buffer.byteLength(content));
      const expected = digested(storedAs(statement, 5));
      expect((await repo.getStreamEvents(ACCOUNT, 'alice', 4)).map(digested)).toEqual([expected]);
      expect(digested((await repo.getEventById(statement.id)) ?? undefined)).toEqual(expected);
      expect(app.counter.ids.at(-1)).toBe(statement.id);
      expect(app.projection.snapshot().accounts.alice).toEqual({ owner: 'Alice', balance: 50_00, statements: 1 });
    });

    it('3. replay into empty projections reproduces the state, the large event included; a read model resumes exactly from startFromId', async () => {
      const live = { view: app.projection.snapshot(), ids: [...app.counter.ids] };
      expect((await allEvents(repo)).map((event) => event.id)).toEqual(live.ids);

      for (const mode of ['write', 'read-model'] as const) {
        const full = await replayInto(repo, { mode });
        expect(full.projection.snapshot()).toEqual(live.view);
        expect(full.counter.ids).toEqual(live.ids);
        expect(digested(full.counter.events.get(statement.id))).toEqual(digested(storedAs(statement, 5)));
      }

      const tail = live.ids.slice(live.ids.indexOf(prefix.lastId) + 1);
      expect(tail.length).toBeGreaterThan(0);
      const resumed = await replayInto(repo, {
        mode: 'read-model',
        projection: new BankProjection(prefix.view),
        startFromId: prefix.lastId,
      });
      expect(resumed.counter.ids).toEqual(tail);
      expect(resumed.projection.snapshot()).toEqual(live.view);
    });

    it('3b. framework 5.0.1: replay(startFromId) with aggregate flows re-validates the tail from initialState and rejects it', async () => {
      // The first event after the prefix is alice's withdrawal; replay gives its aggregate `initialState` (not
      // open), not the state the prefix built, so the flow's own rule rejects it before any observer runs.
      const attempt = await startBankApp(repo, { mode: 'write', projection: new BankProjection(prefix.view) });
      await expect(attempt.store.replay(prefix.lastId)).rejects.toMatchObject({ code: BankRuleCodes.ACCOUNT_NOT_OPEN });
      expect(attempt.counter.ids).toEqual([]);
    });

    it('4. getAggregate matches the projection, and starts from a saved snapshot reading only the events after it', async () => {
      const view = app.projection.snapshot();
      for (const id of ['alice', 'bob', 'carol']) {
        const aggregate = await app.store.getAggregate(ACCOUNT, id, reduceAccount, INITIAL_ACCOUNT);
        expect(aggregate).toEqual({ state: { opened: true, ...view.accounts[id] }, sequence: await repo.getStreamSequence(ACCOUNT, id) });
      }

      const atSnapshot = await app.store.getAggregate(ACCOUNT, 'alice', reduceAccount, INITIAL_ACCOUNT);
      await repo.saveSnapshot({
        domain: ACCOUNT,
        identifier: 'alice',
        state: atSnapshot.state,
        sequence: atSnapshot.sequence,
        created: new Date(),
      });
      // Both commands are validated by the framework against snapshot + newer events.
      await app.deposit('alice', 5_00);
      await app.withdraw('alice', 55_00);
      await expect(app.withdraw('alice', 1)).rejects.toMatchObject({ code: BankRuleCodes.OVERDRAFT });

      const readSpy = vi.spyOn(repo, 'getStreamEvents');
      const reducer = vi.fn(reduceAccount);
      const fromSnapshot = await app.store.getAggregate(ACCOUNT, 'alice', reducer, INITIAL_ACCOUNT);
      expect(readSpy).toHaveBeenCalledExactlyOnceWith(ACCOUNT, 'alice', atSnapshot.sequence);
      readSpy.mockRestore();
      expect(reducer.mock.calls.map(([, event]) => [event.type, event.sequence])).toEqual([
        [AccountEvents.DEPOSITED, atSnapshot.sequence + 1],
        [AccountEvents.WITHDRAWN, atSnapshot.sequence + 2],
      ]);
      expect(reducer.mock.calls[0]![0]).toEqual(atSnapshot.state);
      expect(fromSnapshot).toEqual({
        state: { opened: true, ...app.projection.snapshot().accounts.alice },
        sequence: atSnapshot.sequence + 2,
      });
      expect(fromSnapshot.state.balance).toBe(0);
    });

    it('5. revert of a transfer compensates the root and both consequences, each in its own stream at the next sequence', async () => {
      await app.deposit('alice', 40_00);
      const balances = app.projection.snapshot().accounts;
      const [root, debit, credit] = await app.transfer('t-4', 'alice', 'bob', 25_00);
      const sequences = { alice: await repo.getStreamSequence(ACCOUNT, 'alice'), bob: await repo.getStreamSequence(ACCOUNT, 'bob') };

      expect(await app.store.canRevert(root!.id)).toEqual({ canRevert: true });
      expect(await app.store.canRevert(debit!.id)).toMatchObject({ canRevert: false });
      // Framework 5.0.1 under types 6.0.0-rc.5: its `RevertError` is not exported, so the refusal is a TypeError.
      const notRoot = await app.store.revert(debit!.id).catch((error: unknown) => error);
      expect(notRoot).toBeInstanceOf(TypeError);
      expect((notRoot as Error).message).toContain('RevertError');
      expect(await repo.getStreamSequence(ACCOUNT, 'alice')).toBe(sequences.alice);

      const result = (await app.store.revert(root!.id)) as RevertOutcome;
      expect(result.revertedEventId).toBe(root!.id);
      expect(result.childResults.map((child) => child.revertedEventId)).toEqual([credit!.id, debit!.id]);
      const [creditReversal] = result.childResults[0]!.compensatingEvents;
      const [debitReversal] = result.childResults[1]!.compensatingEvents;
      const [transferReversal] = result.compensatingEvents;
      expect(
        [creditReversal, debitReversal, transferReversal].map((event) => [
          event!.domain,
          event!.identifier,
          event!.type,
          event!.causationId,
          event!.meta,
        ]),
      ).toEqual([
        [
          ACCOUNT,
          'bob',
          AccountEvents.DEPOSIT_REVERSED,
          credit!.id,
          { schemaVersion: 1, isCompensating: true, compensatesEventId: credit!.id },
        ],
        [
          ACCOUNT,
          'alice',
          AccountEvents.WITHDRAWAL_REVERSED,
          debit!.id,
          { schemaVersion: 1, isCompensating: true, compensatesEventId: debit!.id },
        ],
        [TRANSFER, 't-4', TransferEvents.REVERSED, root!.id, { schemaVersion: 1, isCompensating: true, compensatesEventId: root!.id }],
      ]);

      expect(await repo.getStreamEvents(ACCOUNT, 'alice', sequences.alice)).toEqual([storedAs(debitReversal!, sequences.alice + 1)]);
      expect(await repo.getStreamEvents(ACCOUNT, 'bob', sequences.bob)).toEqual([storedAs(creditReversal!, sequences.bob + 1)]);
      expect(await repo.getStreamEvents(TRANSFER, 't-4')).toEqual([storedAs(root!, 1), storedAs(transferReversal!, 2)]);
      expect(await repo.findByCausationId(debit!.id)).toEqual([storedAs(debitReversal!, sequences.alice + 1)]);
      for (const id of ['alice', 'bob'] as const) {
        expect((await app.store.getAggregate(ACCOUNT, id, reduceAccount, INITIAL_ACCOUNT)).state.balance).toBe(balances[id]!.balance);
      }

      // Compensations bypass the pipeline: observers never saw them, the live projection still shows the transfer.
      const compensationIds = [creditReversal!.id, debitReversal!.id, transferReversal!.id];
      expect(app.counter.ids.filter((id) => compensationIds.includes(id))).toEqual([]);
      expect(app.projection.snapshot().accounts.alice!.balance).toBe(balances.alice!.balance - 25_00);
      // A replay applies them.
      const rebuilt = (await replayInto(repo, { mode: 'write' })).projection.snapshot();
      expect(rebuilt.accounts.alice!.balance).toBe(balances.alice!.balance);
      expect(rebuilt.accounts.bob!.balance).toBe(balances.bob!.balance);
      expect(rebuilt.transfers['t-4']).toEqual({ from: 'alice', to: 'bob', amount: 25_00, reversed: true });
      // Their causationId is the reverted event, so they join its causal tree.
      expect((await app.store.previewRevert(root!.id)).totalEventCount).toBe(6);
    });

    it('6. shutdown closes the repo once; later repo calls fail with STORE/CLOSED and the framework refuses new events', async () => {
      final = { log: (await allEvents(repo)).map(digested), view: (await replayInto(repo, { mode: 'write' })).projection.snapshot() };
      const closeSpy = vi.spyOn(repo, 'close');
      await app.store.shutdown();
      expect(closeSpy).toHaveBeenCalledTimes(1);

      await expect(repo.getStreamEvents(ACCOUNT, 'carol')).rejects.toMatchObject({ code: ErrorCodes.CLOSED });
      await expect(repo.getStreamSequence(ACCOUNT, 'alice')).rejects.toMatchObject({ code: ErrorCodes.CLOSED });
      await expect(repo.getAllEvents(200)).rejects.toMatchObject({ code: ErrorCodes.CLOSED });
      await expect(
        repo.storeEvents([
          {
            id: 'after-close',
            domain: ACCOUNT,
            identifier: 'alice',
            type: AccountEvents.DEPOSITED,
            payload: { amount: 1 },
            created: new Date(),
          },
        ]),
      ).rejects.toMatchObject({ code: ErrorCodes.CLOSED });
      // The framework refuses on its own (a plain Error, before any repo call).
      const refused = await app.deposit('alice', 1_00).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(Error);
      expect(refused).not.toBeInstanceOf(EventStoreAdapterError);
      expect(closeSpy).toHaveBeenCalledTimes(1);
    });

    if (backend.durable)
      it('8. the log outlives the closed repo: a new repo on the same table and bucket replays it identically', async () => {
        const reopened = env.reopen!();
        try {
          expect((await allEvents(reopened)).map(digested)).toEqual(final.log);
          expect((await replayInto(reopened, { mode: 'write' })).projection.snapshot()).toEqual(final.view);
        } finally {
          await reopened.close();
        }
      });
  });
}
