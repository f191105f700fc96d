/**
 * ClientRequestToken idempotency of transactions: a committed transaction with a token is remembered for 10
 * minutes (DynamoDB's window). A repeat of the same request (same table, same actions) within that window applies
 * nothing and reports the original write units as READ units (a choice where DynamoDB leaves room); the token with a
 * different request is refused (IdempotentParameterMismatch: `DRIVER/VALIDATION`). Only committed transactions are
 * remembered, so a cancelled one may be retried with its token. Token shape is checked by the request validation.
 */
import { ErrorCodes } from '../../src/errors/index.js';
import type { ConsumedCapacity, TransactAction } from '../../src/ports/kv-driver.js';
import { fingerprint } from './attribute-values.js';
import type { DriverErrorFactory } from './errors.js';

/** A ClientRequestToken is honoured for 10 minutes after the request that used it. */
export const DYNAMODB_CLIENT_REQUEST_TOKEN_TTL_MS = 10 * 60 * 1000;

interface TokenRecord {
  readonly table: string;
  readonly fingerprint: string;
  readonly at: number;
  readonly writeUnits: number;
}

/** A transaction carrying a token, as the store sees it. */
export interface TokenedTransaction {
  /** What a replay consumes (the original write units, as read units); `undefined` when the token is new. */
  readonly replay: ConsumedCapacity | undefined;
  /** Remember the transaction as committed now, having consumed `writeUnits` (call only for a new token). */
  remember(writeUnits: number): void;
}

/** Tokens of committed transactions, on the driver's clock. */
export class TransactionTokens {
  private readonly tokens = new Map<string, TokenRecord>();

  /** `enabled` false (no `idempotentTransactions`): tokens are ignored. `clock`: milliseconds since the epoch. */
  constructor(
    private readonly enabled: boolean,
    private readonly clock: () => number,
    private readonly error: DriverErrorFactory,
  ) {}

  /**
   * The transaction `actions` on `table` with `token`: `undefined` without a token or when tokens are disabled.
   * A token remembered within 10 minutes with another request throws `DRIVER/VALIDATION`; an expired one is
   * forgotten and counts as new.
   */
  open(token: string | undefined, table: string, actions: readonly TransactAction[]): TokenedTransaction | undefined {
    if (token === undefined || !this.enabled) return undefined;
    const requestFingerprint = fingerprint({ table, actions });
    const remember = (writeUnits: number): void => {
      this.tokens.set(token, { table, fingerprint: requestFingerprint, at: this.clock(), writeUnits });
    };
    const record = this.tokens.get(token);
    if (record === undefined) return { replay: undefined, remember };
    if (this.clock() - record.at >= DYNAMODB_CLIENT_REQUEST_TOKEN_TTL_MS) {
      this.tokens.delete(token);
      return { replay: undefined, remember };
    }
    if (record.table !== table || record.fingerprint !== requestFingerprint) {
      throw this.error(ErrorCodes.VALIDATION, 'The token was used with a different request (IdempotentParameterMismatch)', {
        token,
      });
    }
    return { replay: { read: record.writeUnits, write: 0 }, remember };
  }

  /** Forget the tokens of transactions on `table` (it was dropped). */
  forgetTable(table: string): void {
    for (const [token, record] of this.tokens) if (record.table === table) this.tokens.delete(token);
  }
}
