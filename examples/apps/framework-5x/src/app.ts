/**
 * A small bank on `@schemeless/event-store` 5.0.1 with `event-store-adapter-dynamodb`, fully typed: accounts as
 * aggregate flows (no overdraft, checked against the stream's state), a transfer whose consequent events land in
 * two account streams in one atomic write, a projection observer, a revert guarded by `canRevert`.
 *
 * It runs on the in-memory twin (`new EventStoreRepo()`); on AWS, build the repo as
 * `new EventStoreRepo(dynamodbClient, s3Client, { tableNamePrefix: 'prod-', s3BucketName: 'my-event-archive' })`.
 */
// The 5.x framework's types on @schemeless/event-store-types 6.0.0-rc.5 (see the package.json override).
import type {} from 'event-store-adapter-dynamodb/framework-5x';
import {
  makeEventStore,
  type AggregateEventFlow,
  type EventFlow,
  type IEventStoreEntity,
  type SuccessEventObserver,
} from '@schemeless/event-store';
import { EventStoreRepo } from 'event-store-adapter-dynamodb';

interface Account {
  opened: boolean;
  balance: number;
}
interface Amount {
  amount: number;
}
interface Transfer extends Amount {
  from: string;
  to: string;
}

const initialState: Account = { opened: false, balance: 0 };

/** The account's state after one more event. */
function reduce(state: Account, event: IEventStoreEntity): Account {
  switch (event.type) {
    case 'AccountOpened':
      return { ...state, opened: true };
    case 'Deposited':
    case 'WithdrawalReversed':
      return { ...state, balance: state.balance + (event.payload as Amount).amount };
    case 'Withdrawn':
    case 'DepositReversed':
      return { ...state, balance: state.balance - (event.payload as Amount).amount };
    default:
      return state;
  }
}

/** An account event type: validated and applied against the account's state (loaded by the framework). */
function accountFlow<Payload>(
  type: string,
  rules: Pick<AggregateEventFlow<Payload, Payload, Account>, 'validate' | 'compensate'> = {},
): AggregateEventFlow<Payload, Payload, Account> {
  return {
    kind: 'aggregate',
    domain: 'account',
    type,
    aggregate: { reducer: reduce, initialState },
    apply: (event, state) => reduce(state, event),
    ...rules,
  };
}

const mustBeOpen = (state: Account) => (state.opened ? undefined : new Error('ACCOUNT_NOT_OPEN'));
const opened = accountFlow<Record<string, never>>('AccountOpened'); // no compensate: it cannot be reverted
const deposited = accountFlow<Amount>('Deposited', {
  validate: (_event, state) => mustBeOpen(state),
  compensate: (event) => ({ domain: 'account', type: 'DepositReversed', identifier: event.identifier, payload: event.payload }),
});
const withdrawn = accountFlow<Amount>('Withdrawn', {
  validate: (event, state) => mustBeOpen(state) ?? (event.payload.amount > state.balance ? new Error('OVERDRAFT') : undefined),
  compensate: (event) => ({ domain: 'account', type: 'WithdrawalReversed', identifier: event.identifier, payload: event.payload }),
});
const transfer: EventFlow<Transfer> = {
  domain: 'transfer',
  type: 'TransferRequested',
  createConsequentEvents: (event) => [
    { domain: 'account', type: 'Withdrawn', identifier: event.payload.from, payload: { amount: event.payload.amount } },
    { domain: 'account', type: 'Deposited', identifier: event.payload.to, payload: { amount: event.payload.amount } },
  ],
  compensate: (event) => ({ domain: 'transfer', type: 'TransferReversed', identifier: event.identifier, payload: event.payload }),
};
const flows: EventFlow[] = [
  opened,
  deposited,
  withdrawn,
  transfer,
  accountFlow<Amount>('DepositReversed'),
  accountFlow<Amount>('WithdrawalReversed'),
  { domain: 'transfer', type: 'TransferReversed' },
];

/** Balances kept up to date after each stored event. */
const balances = new Map<string, number>();
const projection: SuccessEventObserver<Amount> = {
  filters: flows.filter((flow) => flow.domain === 'account').map(({ domain, type }) => ({ domain, type })),
  priority: 1,
  apply: (event) => {
    const id = event.identifier ?? '';
    balances.set(id, reduce({ opened: true, balance: balances.get(id) ?? 0 }, event).balance);
  },
};

// Compile-time checks that the framework keeps its types: the repo parameter is not `any`, nor is `EventFlow`.
type IsAny<T> = 0 extends 1 & T ? true : false;
const typesKept: [IsAny<Parameters<typeof makeEventStore>[0]>, IsAny<EventFlow>] = [false, false];
// @ts-expect-error makeEventStore takes a repo (IEventStoreRepo), not any object
const notARepo = () => makeEventStore({ init: async () => undefined });
void [typesKept, notARepo];

const repo = new EventStoreRepo();
const store = await makeEventStore(repo)(flows, [projection]);

await store.receive(opened)({ identifier: 'alice', payload: {} });
await store.receive(opened)({ identifier: 'bob', payload: {} });
await store.receive(deposited)({ identifier: 'alice', payload: { amount: 100 } });
const [root, ...consequences] = await store.receive(transfer)({ identifier: 't-1', payload: { from: 'alice', to: 'bob', amount: 30 } });
console.log(`transfer ${root.identifier} stored with ${consequences.map((event) => `${event.type}@${event.identifier}`).join(' and ')}`);

const refused = await store
  .receive(withdrawn)({ identifier: 'bob', payload: { amount: 1_000 } })
  .then(
    () => 'stored',
    (error: Error) => error.message,
  );
console.log(`an overdraft is refused: ${refused}`);

const alice = await store.getAggregate('account', 'alice', reduce, initialState);
console.log(`alice: balance ${alice.state.balance} at sequence ${alice.sequence}; projection ${balances.get('alice')}`);

// revert throws a framework error class that @schemeless/event-store-types 6.0.0-rc.5 no longer exports
// (`RevertError is not a constructor`) for an event it cannot revert: ask canRevert first.
for (const id of [root.id, (await repo.getStreamEvents('account', 'alice'))[0]!.id]) {
  const check = await store.canRevert(id);
  if (!check.canRevert) {
    console.log(`not reverting ${id}: ${check.reason ?? 'not revertible'}`);
    continue;
  }
  const reverted = await store.revert(id);
  console.log(`reverted ${reverted.revertedEventId}: ${reverted.childResults.length + 1} compensating event group(s)`);
}
const after = await store.getAggregate('account', 'alice', reduce, initialState);
console.log(`alice after the revert: balance ${after.state.balance}`);
if (alice.state.balance !== 70 || after.state.balance !== 100 || refused !== 'OVERDRAFT') throw new Error('unexpected balances');

await store.shutdown(); // closes the repo
console.log('framework 5.x app: ok');
