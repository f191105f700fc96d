/**
 * `npx tsx examples/framework-app.ts`: the adapter plugged into the real framework, `@schemeless/event-store`
 * 5.x, on its in-memory default (`new EventStoreRepo()`: a DynamoDB-like KV twin and an S3-like blob twin).
 *
 * A tiny bank: accounts whose rules (no overdraft) are checked against the stream's aggregate state, a transfer
 * whose consequent events hit two account streams in one atomic write, an observer keeping a projection, a
 * 500 KB statement offloaded to the blob store, snapshots, replay, revert and shutdown. Swap the first line of
 * `main` for `new EventStoreRepo(dynamodbClient, s3Client, { s3BucketName })` to run it on AWS.
 */
import { makeEventStore } from '@schemeless/event-store';
import { type EventStoreAdapterError, EventStoreRepo } from '../src/index.js';

interface Account {
  opened: boolean;
  balance: number;
}
// biome-ignore lint/suspicious/noExplicitAny: the framework's own default, as its examples declare it
interface Event<P = any> {
  id: string;
  domain: string;
  type: string;
  identifier?: string;
  payload: P;
  sequence?: number;
}

/** A business-rule rejection: returned from `validate`, it makes the framework store nothing. */
class RuleError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const reduce = (state: Account, event: Event): Account => {
  switch (event.type) {
    case 'AccountOpened':
      return { ...state, opened: true };
    case 'Deposited':
    case 'WithdrawalReversed':
      return { ...state, balance: state.balance + event.payload.amount };
    case 'Withdrawn':
    case 'DepositReversed':
      return { ...state, balance: state.balance - event.payload.amount };
    default:
      return state;
  }
};
const initialState: Account = { opened: false, balance: 0 };

/** An account flow: the framework loads the stream's state (snapshot + newer events) and validates against it. */
const accountFlow = (
  type: string,
  rules: { validate?: (event: Event, state: Account) => Error | undefined; compensate?: (event: Event) => object } = {},
) => ({
  kind: 'aggregate' as const,
  domain: 'account',
  type,
  aggregate: { reducer: reduce, initialState },
  apply: (event: Event, state: Account) => reduce(state, event),
  ...rules,
});
const mustBeOpen = (state: Account) => (state.opened ? undefined : new RuleError('ACCOUNT_NOT_OPEN'));

const opened = accountFlow('AccountOpened');
const deposited = accountFlow('Deposited', {
  validate: (_event, state) => mustBeOpen(state),
  compensate: (event) => ({ domain: 'account', type: 'DepositReversed', identifier: event.identifier, payload: event.payload }),
});
const withdrawn = accountFlow('Withdrawn', {
  validate: (event, state) => mustBeOpen(state) ?? (event.payload.amount > state.balance ? new RuleError('OVERDRAFT') : undefined),
  compensate: (event) => ({ domain: 'account', type: 'WithdrawalReversed', identifier: event.identifier, payload: event.payload }),
});
const statementAttached = accountFlow('StatementAttached', { validate: (_event, state) => mustBeOpen(state) });
const transfer = {
  kind: 'simple' as const,
  domain: 'transfer',
  type: 'TransferRequested',
  createConsequentEvents: (event: Event<{ from: string; to: string; amount: number }>) => [
    { domain: 'account', type: 'Withdrawn', identifier: event.payload.from, payload: { amount: event.payload.amount } },
    { domain: 'account', type: 'Deposited', identifier: event.payload.to, payload: { amount: event.payload.amount } },
  ],
  compensate: (event: Event) => ({ domain: 'transfer', type: 'TransferReversed', identifier: event.identifier, payload: event.payload }),
};
const flows = [
  opened,
  deposited,
  withdrawn,
  statementAttached,
  transfer,
  accountFlow('DepositReversed'),
  accountFlow('WithdrawalReversed'),
  { kind: 'simple' as const, domain: 'transfer', type: 'TransferReversed' },
];

/** An observer keeping balances (it runs after each stored event, and again on replay). */
const projectionObserver = (balances: Map<string, number>) => ({
  filters: flows.map(({ domain, type }) => ({ domain, type })),
  priority: 1,
  apply: (event: Event) => {
    if (event.domain === 'account')
      balances.set(event.identifier!, reduce({ opened: true, balance: balances.get(event.identifier!) ?? 0 }, event).balance);
  },
});

async function main(): Promise<void> {
  const repo = new EventStoreRepo();
  const balances = new Map<string, number>();
  const store = await makeEventStore(repo)(flows, [projectionObserver(balances)]);
  const say = (line: string) => console.log(line);

  say('1. events through the framework');
  await store.receive(opened)({ identifier: 'alice', payload: {} });
  await store.receive(opened)({ identifier: 'bob', payload: {} });
  await store.receive(deposited)({ identifier: 'alice', payload: { amount: 100 } });
  const [root, ...consequences] = (await store.receive(transfer)({
    identifier: 't-1',
    payload: { from: 'alice', to: 'bob', amount: 30 },
  })) as Event[];
  say(
    `   transfer ${root!.identifier} stored with ${consequences.map((event) => `${event.type}@${event.identifier}`).join(' and ')} in ONE atomic write`,
  );
  for (const id of ['alice', 'bob']) {
    const stream = await repo.getStreamEvents('account', id);
    say(`   account::${id}: ${stream.map((event) => `#${event.sequence} ${event.type}`).join(', ')}`);
  }

  say('2. a rejected event stores nothing');
  const sequenceBefore = await repo.getStreamSequence('account', 'alice');
  const rejected = await store
    .receive(transfer)({ identifier: 't-2', payload: { from: 'alice', to: 'bob', amount: 1_000 } })
    .catch((error: RuleError) => error);
  say(
    `   transfer of 1000 rejected with ${(rejected as RuleError).code}; alice still at sequence ${await repo.getStreamSequence('account', 'alice')} (was ${sequenceBefore}), t-2 at ${await repo.getStreamSequence('transfer', 't-2')}`,
  );

  say('3. a 500 KB event is offloaded to the blob store');
  await store.receive(statementAttached)({ identifier: 'alice', payload: { pdf: 'x'.repeat(500_000) } });
  const [statement] = await repo.getStreamEvents('account', 'alice', (await repo.getStreamSequence('account', 'alice')) - 1);
  say(
    `   stored as #${statement!.sequence}, ${JSON.stringify(statement!.payload).length} bytes read back; blob puts so far: ${repo.stats().blobPut.requests}`,
  );

  say('4. aggregates and snapshots');
  const alice = await store.getAggregate('account', 'alice', reduce, initialState);
  say(`   getAggregate(alice) = ${JSON.stringify(alice)}; projection says ${balances.get('alice')}`);
  await repo.saveSnapshot({ domain: 'account', identifier: 'alice', state: alice.state, sequence: alice.sequence, created: new Date() });
  await store.receive(withdrawn)({ identifier: 'alice', payload: { amount: 20 } });
  let reads = 0;
  const fromSnapshot = await store.getAggregate(
    'account',
    'alice',
    (state: Account, event: Event) => {
      reads++;
      return reduce(state, event);
    },
    initialState,
  );
  say(`   after a snapshot at #${alice.sequence} and one more withdrawal: ${JSON.stringify(fromSnapshot)}, ${reads} event(s) folded`);

  say('5. replay into an empty projection');
  const rebuilt = new Map<string, number>();
  await (await makeEventStore(repo)(flows, [projectionObserver(rebuilt)])).replay();
  say(`   rebuilt ${JSON.stringify([...rebuilt])} = live ${JSON.stringify([...balances])}`);

  say('6. revert the transfer (compensating events, stored directly by the framework)');
  // Ask first: under types 6.0.0-rc.5, revert of an event without `compensate` crashes (`RevertError is not a constructor`).
  const check = await store.canRevert(root!.id);
  if (!check.canRevert) throw new Error(`the transfer cannot be reverted: ${check.reason}`);
  const reverted = await store.revert(root!.id);
  const compensations = [reverted, ...reverted.childResults].flatMap(
    (result: { compensatingEvents: Event[] }) => result.compensatingEvents,
  );
  say(`   ${compensations.map((event) => `${event.type}@${event.identifier}`).join(', ')}`);
  for (const id of ['alice', 'bob'])
    say(`   ${id}: balance ${(await store.getAggregate('account', id, reduce, initialState)).state.balance}`);

  say('7. shutdown closes the repo');
  await store.shutdown();
  const closed = await repo.getStreamSequence('account', 'alice').catch((error: EventStoreAdapterError) => error);
  say(`   later calls fail with ${(closed as EventStoreAdapterError).code}`);
}

await main();
