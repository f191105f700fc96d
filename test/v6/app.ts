/**
 * A small ledger application written for the V6 runtime (`@schemeless/event-store-core`, `-aggregate`, `-revert`
 * 6.0.0-rc.5), the way an application would write it: an account aggregate (open, deposit, withdraw), a balance read
 * model fed by observers, and compensations for revert. The scenarios (scenarios.ts) run it on each backend.
 */
import type { AggregateDefinition } from '@schemeless/event-store-aggregate';
import type { Observer } from '@schemeless/event-store-core';
import { makeCompensationRegistry, type CompensationRegistry } from '@schemeless/event-store-revert';
import type { AppendableEvent, PersistedEvent } from '@schemeless/event-store-types';

/** The account aggregate's domain. */
export const ACCOUNT = 'account';

/** An account's state. */
export interface AccountState {
  opened: boolean;
  owner: string;
  balance: number;
  /** Every event type applied, in order (so a test sees exactly what hydration applied). */
  applied: string[];
}

/** The account commands. */
export type AccountCommand =
  | { kind: 'open'; id: string; owner: string }
  | { kind: 'deposit'; id: string; amount: number }
  | { kind: 'withdraw'; id: string; amount: number };

/** The account's initial state. */
export const INITIAL_ACCOUNT: AccountState = { opened: false, owner: '', balance: 0, applied: [] };

/** Apply one account event. */
export function evolveAccount(state: AccountState, event: { type: string; payload: { owner?: string; amount?: number } }): AccountState {
  const applied = [...state.applied, event.type];
  switch (event.type) {
    case 'Opened':
      return { ...state, opened: true, owner: event.payload.owner ?? '', applied };
    case 'Deposited':
      return { ...state, balance: state.balance + (event.payload.amount ?? 0), applied };
    case 'Withdrawn':
    case 'DepositReverted':
      return { ...state, balance: state.balance - (event.payload.amount ?? 0), applied };
    case 'WithdrawalReverted':
      return { ...state, balance: state.balance + (event.payload.amount ?? 0), applied };
    default:
      return { ...state, applied };
  }
}

/** What `decide` waits on before returning (a test's barrier, so concurrent handles really race); none by default. */
export type DecideGate = (command: AccountCommand, state: AccountState) => Promise<void> | void;

/**
 * The account aggregate. Deposits are decided WITHOUT `created` (a decision need not stamp time; the adapter then
 * stamps it, as the PostgreSQL adapter does), the other events with it.
 */
export function accountAggregate(gate: DecideGate = () => undefined): AggregateDefinition<AccountCommand, AppendableEvent, AccountState> {
  return {
    name: 'Account',
    domain: ACCOUNT,
    getIdentifier: (command) => command.id,
    initialState: INITIAL_ACCOUNT,
    evolve: (state, event) => evolveAccount(state, event as never),
    precondition(command, state) {
      if (command.kind === 'open' && state.opened) throw new Error(`account ${command.id} is already open`);
      if (command.kind !== 'open' && !state.opened) throw new Error(`account ${command.id} is not open`);
    },
    async decide(command, state) {
      await gate(command, state);
      switch (command.kind) {
        case 'open':
          return [{ domain: ACCOUNT, type: 'Opened', payload: { owner: command.owner }, created: new Date() }];
        case 'deposit':
          return [{ domain: ACCOUNT, type: 'Deposited', payload: { amount: command.amount } } as AppendableEvent];
        case 'withdraw':
          if (state.balance < command.amount) throw new Error('insufficient funds');
          return [{ domain: ACCOUNT, type: 'Withdrawn', payload: { amount: command.amount }, created: new Date() }];
      }
    },
  };
}

/** A balance read model kept by observers: identifier -> balance, and the ids it saw in order. */
export class BalanceView {
  readonly balances = new Map<string, number>();
  readonly seen: string[] = [];

  /** The observers that feed it (deposits, withdrawals and their compensations). */
  observers(): Observer[] {
    const apply = (sign: number) => (event: PersistedEvent) => {
      const id = event.identifier ?? '';
      this.balances.set(id, (this.balances.get(id) ?? 0) + sign * (event.payload as { amount: number }).amount);
      this.seen.push(event.id);
    };
    return [
      {
        name: 'credits',
        filters: [
          { domain: ACCOUNT, type: 'Deposited' },
          { domain: ACCOUNT, type: 'WithdrawalReverted' },
        ],
        apply: apply(1),
      },
      {
        name: 'debits',
        filters: [
          { domain: ACCOUNT, type: 'Withdrawn' },
          { domain: ACCOUNT, type: 'DepositReverted' },
        ],
        apply: apply(-1),
      },
      {
        name: 'opened',
        filters: [{ domain: ACCOUNT, type: 'Opened' }],
        priority: -1,
        apply: (event) => {
          this.balances.set(event.identifier ?? '', 0);
          this.seen.push(event.id);
        },
      },
    ];
  }
}

/** Compensations: a deposit is reverted by a debit, a withdrawal by a credit, a transfer by its cancellation; notices have none unless `withNotices`. */
export function compensations(withNotices: boolean): CompensationRegistry {
  const registry = makeCompensationRegistry();
  registry.register(ACCOUNT, 'Deposited', (event) => ({
    domain: ACCOUNT,
    identifier: event.identifier,
    type: 'DepositReverted',
    payload: { amount: (event.payload as { amount: number }).amount },
  }));
  registry.register(ACCOUNT, 'Withdrawn', (event) => ({
    domain: ACCOUNT,
    identifier: event.identifier,
    type: 'WithdrawalReverted',
    payload: { amount: (event.payload as { amount: number }).amount },
  }));
  registry.register('transfer', 'Requested', (event) => ({
    domain: 'transfer',
    identifier: event.identifier,
    type: 'Cancelled',
    payload: { reason: 'reverted' },
  }));
  if (withNotices)
    registry.register('notice', 'Sent', (event) => [
      { domain: 'notice', identifier: event.identifier, type: 'Retracted', payload: { of: event.id } },
    ]);
  return registry;
}
