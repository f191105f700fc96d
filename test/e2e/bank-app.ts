/**
 * A small but real bank built on `@schemeless/event-store@5.0.1`: accounts (open, deposit, withdraw, attach a
 * statement) whose rules are checked against the stream's aggregate state, transfers whose consequent events hit
 * two account streams, compensations for `revert`, an observer counting events and an in-memory projection.
 *
 * Two flow sets over the same event types:
 * - `'write'`: the application's flows (aggregate state, validation, consequent events, compensations);
 * - `'read-model'`: projection-only flows with no validation, for rebuilding a read model from any cursor.
 */
import { makeEventStore, type EventStore } from '@schemeless/event-store';
import type {
  AggregateEventFlow,
  EventFlow,
  EventRequest,
  FlowEvent,
  SimpleEventFlow,
  SuccessObserver,
  Verdict,
} from './framework-shapes.js';

/** Domain of account streams (identifier: the account id). */
export const ACCOUNT = 'account';
/** Domain of transfer streams (identifier: the transfer id). */
export const TRANSFER = 'transfer';

/** Event types, by domain. */
export const AccountEvents = {
  OPENED: 'AccountOpened',
  DEPOSITED: 'Deposited',
  WITHDRAWN: 'Withdrawn',
  STATEMENT_ATTACHED: 'StatementAttached',
  DEPOSIT_REVERSED: 'DepositReversed',
  WITHDRAWAL_REVERSED: 'WithdrawalReversed',
} as const;
/** Transfer event types. */
export const TransferEvents = { REQUESTED: 'TransferRequested', REVERSED: 'TransferReversed' } as const;

/** Stable codes of the bank's business-rule rejections. */
export const BankRuleCodes = {
  /** A withdrawal (or the debit of a transfer) larger than the balance. */
  OVERDRAFT: 'BANK/OVERDRAFT',
  /** An operation on an account that was never opened. */
  ACCOUNT_NOT_OPEN: 'BANK/ACCOUNT_NOT_OPEN',
  /** Opening an account twice. */
  ALREADY_OPEN: 'BANK/ALREADY_OPEN',
  /** An amount that is not a positive integer (minor units). */
  INVALID_AMOUNT: 'BANK/INVALID_AMOUNT',
  /** A transfer from an account to itself. */
  SAME_ACCOUNT: 'BANK/SAME_ACCOUNT',
} as const;
/** One of {@link BankRuleCodes}. */
export type BankRuleCode = (typeof BankRuleCodes)[keyof typeof BankRuleCodes];

/** A business-rule rejection, returned from `validate`: the framework then stores nothing of the event tree. */
export class BankRuleError extends Error {
  constructor(
    readonly code: BankRuleCode,
    message: string,
  ) {
    super(message);
    this.name = 'BankRuleError';
  }
}

/** Payloads. Amounts are integers in minor units (cents). */
export interface OpenedPayload {
  owner: string;
}
export interface AmountPayload {
  amount: number;
}
export interface StatementPayload {
  name: string;
  content: string;
}
export interface TransferPayload {
  from: string;
  to: string;
  amount: number;
}

/** An account's aggregate state. */
export interface AccountState {
  opened: boolean;
  owner: string;
  /** In minor units; may go below 0 only through a compensation (`DepositReversed`). */
  balance: number;
  statements: number;
}

/** The state of a stream with no events. */
export const INITIAL_ACCOUNT: AccountState = Object.freeze({ opened: false, owner: '', balance: 0, statements: 0 });

/** The account reducer: pure, total over every account event type (others leave the state unchanged). */
export function reduceAccount(state: AccountState, event: FlowEvent): AccountState {
  switch (event.type) {
    case AccountEvents.OPENED:
      return { ...state, opened: true, owner: (event.payload as OpenedPayload).owner };
    case AccountEvents.DEPOSITED:
    case AccountEvents.WITHDRAWAL_REVERSED:
      return { ...state, balance: state.balance + (event.payload as AmountPayload).amount };
    case AccountEvents.WITHDRAWN:
    case AccountEvents.DEPOSIT_REVERSED:
      return { ...state, balance: state.balance - (event.payload as AmountPayload).amount };
    case AccountEvents.STATEMENT_ATTACHED:
      return { ...state, statements: state.statements + 1 };
    default:
      return state;
  }
}

/** What the projection knows about an account. */
export interface AccountView {
  owner: string;
  balance: number;
  statements: number;
}
/** What the projection knows about a transfer. */
export interface TransferView {
  from: string;
  to: string;
  amount: number;
  reversed: boolean;
}
/** The projection as plain data (comparable with `toEqual`, clonable with `structuredClone`). */
export interface BankView {
  accounts: Record<string, AccountView>;
  transfers: Record<string, TransferView>;
}

/** The in-memory read model, fed by an observer (live and in replay). */
export class BankProjection {
  private readonly view: BankView;

  /** Start empty, or from a copy of `from` (a projection built from a prefix of the log). */
  constructor(from?: BankView) {
    this.view = from ? structuredClone(from) : { accounts: {}, transfers: {} };
  }

  /** Fold one stored event into the view. */
  apply(event: FlowEvent): void {
    if (event.domain === TRANSFER) {
      this.applyTransfer(event);
      return;
    }
    const id = event.identifier ?? '';
    if (event.type === AccountEvents.OPENED) {
      this.view.accounts[id] = { owner: (event.payload as OpenedPayload).owner, balance: 0, statements: 0 };
      return;
    }
    const account = this.view.accounts[id];
    if (!account) throw new Error(`projection: ${event.type} for unknown account ${id}`);
    const next = reduceAccount({ opened: true, ...account }, event);
    this.view.accounts[id] = { owner: next.owner, balance: next.balance, statements: next.statements };
  }

  /** A deep copy of the current view. */
  snapshot(): BankView {
    return structuredClone(this.view);
  }

  private applyTransfer(event: FlowEvent): void {
    const id = event.identifier ?? '';
    if (event.type === TransferEvents.REQUESTED) this.view.transfers[id] = { ...(event.payload as TransferPayload), reversed: false };
    else if (event.type === TransferEvents.REVERSED) this.view.transfers[id] = { ...this.view.transfers[id]!, reversed: true };
  }
}

/** Counts what observers saw: per `domain/type`, and every event id in order. */
export class EventCounter {
  readonly ids: string[] = [];
  readonly byType = new Map<string, number>();
  /** The last event seen per id (for comparing payloads after replay). */
  readonly events = new Map<string, FlowEvent>();

  /** Record one event. */
  record(event: FlowEvent): void {
    this.ids.push(event.id);
    this.events.set(event.id, event);
    const key = `${event.domain}/${event.type}`;
    this.byType.set(key, (this.byType.get(key) ?? 0) + 1);
  }

  /** `byType` as a plain object. */
  counts(): Record<string, number> {
    return Object.fromEntries(this.byType);
  }
}

/** Every (domain, type) pair of the app, for observer filters. */
export const ALL_EVENT_TYPES: ReadonlyArray<{ domain: string; type: string }> = [
  ...Object.values(AccountEvents).map((type) => ({ domain: ACCOUNT, type })),
  ...Object.values(TransferEvents).map((type) => ({ domain: TRANSFER, type })),
];

/** The two observers: the counter (priority 1) and the projection (priority 2). */
export function bankObservers(projection: BankProjection, counter: EventCounter): SuccessObserver[] {
  const filters = [...ALL_EVENT_TYPES];
  return [
    { filters, priority: 1, apply: (event) => counter.record(event) },
    { filters, priority: 2, apply: (event) => projection.apply(event) },
  ];
}

/** The flows the app submits to, by name. */
export interface BankFlows {
  opened: EventFlow<OpenedPayload, AccountState>;
  deposited: EventFlow<AmountPayload, AccountState>;
  withdrawn: EventFlow<AmountPayload, AccountState>;
  statementAttached: EventFlow<StatementPayload, AccountState>;
  depositReversed: EventFlow<AmountPayload, AccountState>;
  withdrawalReversed: EventFlow<AmountPayload, AccountState>;
  transferRequested: EventFlow<TransferPayload>;
  transferReversed: EventFlow<TransferPayload>;
}

/** Which flow set: the application's (`'write'`) or projection-only (`'read-model'`, no rules, no consequences). */
export type FlowMode = 'write' | 'read-model';

const isPositiveAmount = (amount: unknown): boolean => Number.isSafeInteger(amount) && (amount as number) > 0;

function requireOpen(state: AccountState): Verdict {
  return state.opened ? undefined : new BankRuleError(BankRuleCodes.ACCOUNT_NOT_OPEN, 'account is not open');
}

function requireAmount(event: FlowEvent<AmountPayload>): Verdict {
  return isPositiveAmount(event.payload.amount)
    ? undefined
    : new BankRuleError(BankRuleCodes.INVALID_AMOUNT, `invalid amount ${String(event.payload.amount)}`);
}

/** The flows of `mode`. */
export function bankFlows(mode: FlowMode): BankFlows {
  const writing = mode === 'write';
  const account = <P>(
    type: string,
    rules: {
      validate?: (event: FlowEvent<P>, state: AccountState) => Verdict;
      compensate?: (event: FlowEvent<P>) => EventRequest;
    } = {},
  ): EventFlow<P, AccountState> => {
    if (!writing) return { kind: 'simple', domain: ACCOUNT, type };
    const flow: AggregateEventFlow<P, AccountState> = {
      kind: 'aggregate',
      domain: ACCOUNT,
      type,
      aggregate: { reducer: reduceAccount, initialState: INITIAL_ACCOUNT },
      apply: (event, state) => reduceAccount(state, event),
    };
    if (rules.validate) flow.validate = rules.validate;
    if (rules.compensate) flow.compensate = rules.compensate;
    return flow;
  };
  const reverse =
    (type: string) =>
    (event: FlowEvent<AmountPayload>): EventRequest<AmountPayload> => ({
      domain: ACCOUNT,
      type,
      identifier: event.identifier!,
      payload: { amount: event.payload.amount },
    });

  const transferRequested: SimpleEventFlow<TransferPayload> = { kind: 'simple', domain: TRANSFER, type: TransferEvents.REQUESTED };
  if (writing) {
    transferRequested.validate = (event) => {
      const { from, to, amount } = event.payload;
      if (from === to) return new BankRuleError(BankRuleCodes.SAME_ACCOUNT, 'cannot transfer to the same account');
      return isPositiveAmount(amount) ? undefined : new BankRuleError(BankRuleCodes.INVALID_AMOUNT, `invalid amount ${String(amount)}`);
    };
    transferRequested.createConsequentEvents = (event): EventRequest<AmountPayload>[] => [
      { domain: ACCOUNT, type: AccountEvents.WITHDRAWN, identifier: event.payload.from, payload: { amount: event.payload.amount } },
      { domain: ACCOUNT, type: AccountEvents.DEPOSITED, identifier: event.payload.to, payload: { amount: event.payload.amount } },
    ];
    transferRequested.compensate = (event): EventRequest<TransferPayload> => ({
      domain: TRANSFER,
      type: TransferEvents.REVERSED,
      identifier: event.identifier!,
      payload: event.payload,
    });
  }

  return {
    opened: account<OpenedPayload>(AccountEvents.OPENED, {
      validate: (_event, state) => (state.opened ? new BankRuleError(BankRuleCodes.ALREADY_OPEN, 'account already open') : undefined),
    }),
    deposited: account<AmountPayload>(AccountEvents.DEPOSITED, {
      validate: (event, state) => requireOpen(state) ?? requireAmount(event),
      compensate: reverse(AccountEvents.DEPOSIT_REVERSED),
    }),
    withdrawn: account<AmountPayload>(AccountEvents.WITHDRAWN, {
      validate: (event, state) =>
        requireOpen(state) ??
        requireAmount(event) ??
        (event.payload.amount > state.balance
          ? new BankRuleError(BankRuleCodes.OVERDRAFT, `overdraft: ${event.payload.amount} > ${state.balance}`)
          : undefined),
      compensate: reverse(AccountEvents.WITHDRAWAL_REVERSED),
    }),
    statementAttached: account<StatementPayload>(AccountEvents.STATEMENT_ATTACHED, { validate: (_event, state) => requireOpen(state) }),
    depositReversed: account<AmountPayload>(AccountEvents.DEPOSIT_REVERSED),
    withdrawalReversed: account<AmountPayload>(AccountEvents.WITHDRAWAL_REVERSED),
    transferRequested,
    transferReversed: { kind: 'simple', domain: TRANSFER, type: TransferEvents.REVERSED },
  };
}

/** The repo as the framework takes it (its parameter type is unresolved under the types override; see framework-shapes). */
type FrameworkRepo = Parameters<typeof makeEventStore>[0];

/** A running bank: the framework store, its flows, and what its observers built. */
export interface BankApp {
  readonly store: EventStore;
  readonly flows: BankFlows;
  readonly projection: BankProjection;
  readonly counter: EventCounter;
  /** Each command resolves to the events the framework created and stored (root first), or rejects with the rule's `BankRuleError`. */
  open(accountId: string, owner: string): Promise<FlowEvent[]>;
  deposit(accountId: string, amount: number): Promise<FlowEvent[]>;
  withdraw(accountId: string, amount: number): Promise<FlowEvent[]>;
  attachStatement(accountId: string, name: string, content: string): Promise<FlowEvent[]>;
  transfer(transferId: string, from: string, to: string, amount: number): Promise<FlowEvent[]>;
}

/**
 * Start the bank on `repo` (`makeEventStore(repo)(flows, observers)`: calls `repo.init()`). `projection` lets a
 * read model start from a prefix. NOTE: `store.shutdown()` closes `repo`; a store used only to replay must not be
 * shut down while the repo is shared.
 */
export async function startBankApp(repo: object, options: { mode?: FlowMode; projection?: BankProjection } = {}): Promise<BankApp> {
  const flows = bankFlows(options.mode ?? 'write');
  const projection = options.projection ?? new BankProjection();
  const counter = new EventCounter();
  const store = await makeEventStore(repo as FrameworkRepo)(Object.values(flows), bankObservers(projection, counter));
  const receive = <P>(flow: EventFlow<P, unknown>, identifier: string, payload: P): Promise<FlowEvent[]> =>
    store.receive(flow)({ identifier, payload }) as Promise<FlowEvent[]>;
  return {
    store,
    flows,
    projection,
    counter,
    open: (accountId, owner) => receive(flows.opened, accountId, { owner }),
    deposit: (accountId, amount) => receive(flows.deposited, accountId, { amount }),
    withdraw: (accountId, amount) => receive(flows.withdrawn, accountId, { amount }),
    attachStatement: (accountId, name, content) => receive(flows.statementAttached, accountId, { name, content }),
    transfer: (transferId, from, to, amount) => receive(flows.transferRequested, transferId, { from, to, amount }),
  };
}

/**
 * Replay the whole log (or the part after `startFromId`) through a fresh framework store into `projection`.
 * Resolves to the replaying app (its counter lists what the replay observed). The store is not shut down (that
 * would close the shared repo).
 */
export async function replayInto(
  repo: object,
  options: { mode: FlowMode; projection?: BankProjection; startFromId?: string },
): Promise<BankApp> {
  const app = await startBankApp(repo, { mode: options.mode, ...(options.projection ? { projection: options.projection } : {}) });
  await app.store.replay(options.startFromId);
  return app;
}
