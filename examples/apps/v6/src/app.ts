/**
 * A small ledger on the V6 runtime (`@schemeless/event-store-core`, `-aggregate`, `-revert` 6.0.0-rc.5) with
 * `event-store-adapter-dynamodb` as its adapter, fully typed: an account aggregate (open, deposit, withdraw with no
 * overdraft), appends at the hydrated version, a stream read, a scan, and a revert guarded by `canRevert`.
 *
 * It runs on the in-memory twin (`new EventStoreRepo()`); on AWS, build the adapter as
 * `new EventStoreRepo(dynamodbClient, s3Client, { tableNamePrefix: 'prod-', s3BucketName: 'my-event-archive' })`.
 */
import { makeAggregateRuntime, type AggregateDefinition } from '@schemeless/event-store-aggregate';
import { makeEventStoreCore } from '@schemeless/event-store-core';
import { makeCompensationRegistry, makeEventStoreRevert } from '@schemeless/event-store-revert';
import {
  StreamConcurrencyError,
  type AppendableEvent,
  type EventStoreAdapter,
  type RevertableEventStoreAdapter,
  type StreamEventStoreAdapter,
} from '@schemeless/event-store-types';
import { EventStoreRepo } from 'event-store-adapter-dynamodb';

interface Account {
  opened: boolean;
  balance: number;
}
type Command =
  | { kind: 'open'; id: string }
  | { kind: 'deposit'; id: string; amount: number }
  | { kind: 'withdraw'; id: string; amount: number };

const amountOf = (event: { payload: unknown }) => (event.payload as { amount?: number }).amount ?? 0;

const account: AggregateDefinition<Command, AppendableEvent, Account> = {
  name: 'Account',
  domain: 'account',
  getIdentifier: (command) => command.id,
  initialState: { opened: false, balance: 0 },
  evolve: (state, event) => {
    switch (event.type) {
      case 'Opened':
        return { ...state, opened: true };
      case 'Deposited':
        return { ...state, balance: state.balance + amountOf(event) };
      case 'Withdrawn':
      case 'DepositReverted':
        return { ...state, balance: state.balance - amountOf(event) };
      default:
        return state;
    }
  },
  precondition(command, state) {
    if (command.kind === 'open' && state.opened) throw new Error(`account ${command.id} is already open`);
    if (command.kind !== 'open' && !state.opened) throw new Error(`account ${command.id} is not open`);
  },
  decide(command, state) {
    switch (command.kind) {
      case 'open':
        return [{ domain: 'account', type: 'Opened', payload: {}, created: new Date() }];
      case 'deposit':
        return [{ domain: 'account', type: 'Deposited', payload: { amount: command.amount }, created: new Date() }];
      case 'withdraw':
        if (command.amount > state.balance) throw new Error('OVERDRAFT');
        return [{ domain: 'account', type: 'Withdrawn', payload: { amount: command.amount }, created: new Date() }];
    }
  },
};

const adapter = new EventStoreRepo();
// The adapter is each of the V6 contracts (checked here at compile time).
const contracts: [EventStoreAdapter, StreamEventStoreAdapter, RevertableEventStoreAdapter] = [adapter, adapter, adapter];
void contracts;
await adapter.init();

const core = makeEventStoreCore(adapter);
const runtime = makeAggregateRuntime(adapter);

/** Handle a command, retrying a version conflict (another writer appended to the stream in between). */
async function handle(command: Command): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await runtime.handle(account, command);
      return;
    } catch (error) {
      if (!(error instanceof StreamConcurrencyError) || attempt >= 3) throw error;
    }
  }
}

await handle({ kind: 'open', id: 'a1' });
await handle({ kind: 'deposit', id: 'a1', amount: 100 });
await handle({ kind: 'withdraw', id: 'a1', amount: 30 });
const refused = await handle({ kind: 'withdraw', id: 'a1', amount: 1_000 }).then(
  () => 'stored',
  (error: Error) => error.message,
);
const events = await core.stream('account', 'a1', { fromSequence: 0 });
console.log(`account a1: ${events.map((event) => `#${event.sequence} ${event.type}`).join(', ')}; an overdraft: ${refused}`);

let scanned = 0;
for await (const page of core.scan({ pageSize: 200 })) scanned += page.length;

// revert: only the deposit has a compensation; canRevert says whether revert can run.
const registry = makeCompensationRegistry();
registry.register('account', 'Deposited', (event) => ({
  domain: 'account',
  identifier: event.identifier,
  type: 'DepositReverted',
  payload: event.payload,
}));
const revert = makeEventStoreRevert(adapter, registry);
const [openedEvent, depositEvent] = events;
for (const event of [openedEvent!, depositEvent!]) {
  const check = await revert.canRevert(event.id);
  if (!check.canRevert) {
    console.log(`not reverting ${event.type}: ${check.blockedBy?.map((blocked) => blocked.reason).join('; ') ?? 'not revertible'}`);
    continue;
  }
  const { compensatingEvents } = await revert.revert(event.id);
  console.log(`reverted ${event.type} with ${compensatingEvents.map((compensation) => compensation.type).join(', ')}`);
}
const balance = (await core.stream('account', 'a1', { fromSequence: 0 })).reduce(
  (state, event) => account.evolve(state, event),
  account.initialState,
).balance;
console.log(`a1 balance after the revert: ${balance}; ${scanned} events scanned`);
if (refused !== 'OVERDRAFT' || balance !== -30 || scanned !== 3) throw new Error('unexpected ledger');

await adapter.close();
console.log('V6 app: ok');
