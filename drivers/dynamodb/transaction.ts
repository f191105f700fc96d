import type { CancellationReason } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { ActionFailure, AttributeValue, Condition, Item, ItemKey, TransactAction } from '../../src/ports/kv-driver.js';
import { conditionExpression, ExpressionBuilder, setExpression, tautologyExpression } from './expressions.js';

/** One element of `TransactItems` as the document client takes it. */
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Translate one port action into a `TransactItems` element. `partitionKey` is the table's partition key name,
 * used for `exists`/`notExists` conditions (every stored item has it). Actions with a condition ask for
 * `ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`, so a failed condition reports the stored item.
 */
export function transactItem(table: string, action: TransactAction, partitionKey: string): TransactItem {
  const builder = new ExpressionBuilder();
  const condition = (value: Condition | undefined) => {
    if (value === undefined) return {};
    const expression = conditionExpression(value, partitionKey, builder);
    return expression === undefined ? {} : { ConditionExpression: expression, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
  };
  switch (action.type) {
    case 'put': {
      const extra = condition(action.condition);
      return { Put: { TableName: table, Item: action.item, ...extra, ...builder.attributes() } };
    }
    case 'update': {
      const update = setExpression(settableAttributes(table, action.key, action.set), builder);
      if (update === undefined) {
        throw new EventStoreAdapterError(ErrorCodes.VALIDATION, `DynamoDB update on table ${table} sets no attributes`, {
          details: { driver: 'dynamodb', table, key: action.key },
        });
      }
      const extra = condition(action.condition);
      return { Update: { TableName: table, Key: action.key, UpdateExpression: update, ...extra, ...builder.attributes() } };
    }
    case 'delete': {
      const extra = condition(action.condition);
      return { Delete: { TableName: table, Key: action.key, ...extra, ...builder.attributes() } };
    }
    case 'conditionCheck': {
      // A check needs an expression even when the condition always holds (an empty `and`).
      const expression = conditionExpression(action.condition, partitionKey, builder) ?? tautologyExpression(partitionKey, builder);
      return {
        ConditionCheck: {
          TableName: table,
          Key: action.key,
          ConditionExpression: expression,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...builder.attributes(),
        },
      };
    }
    default:
      throw new EventStoreAdapterError(
        ErrorCodes.VALIDATION,
        `Unknown transaction action type ${JSON.stringify((action as { type?: unknown }).type)}`,
        { details: { driver: 'dynamodb', table } },
      );
  }
}

/**
 * Map DynamoDB's cancellation reasons onto the port's, one per action in order. Items come back in raw
 * AttributeValue form even through the document client (errors bypass its unmarshalling), so they are unmarshalled here.
 */
export function cancellationReasons(reasons: readonly CancellationReason[]): ActionFailure[] {
  return reasons.map((reason): ActionFailure => {
    switch (reason.Code) {
      case undefined:
      case 'None':
        return { kind: 'none' };
      case 'ConditionalCheckFailed':
        return reason.Item === undefined || Object.keys(reason.Item).length === 0
          ? { kind: 'conditionFailed' }
          : { kind: 'conditionFailed', item: unmarshall(reason.Item) as Item };
      case 'TransactionConflict':
        return { kind: 'conflict' };
      case 'ThrottlingError':
      case 'ProvisionedThroughputExceeded':
      case 'RequestLimitExceeded':
        return { kind: 'throttled' };
      default:
        // ValidationError, ItemCollectionSizeLimitExceeded and any code added later: the action cannot succeed as is.
        return { kind: 'validation', message: `${reason.Code}: ${reason.Message ?? ''}`.trim() };
    }
  });
}

/**
 * The attributes an update may SET: `undefined` values dropped, and key attributes (which DynamoDB refuses to
 * update) dropped when they repeat the key's value. A key attribute set to another value throws `DRIVER/VALIDATION`.
 */
function settableAttributes(table: string, key: ItemKey, set: Item): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(set)) {
    if (value === undefined) continue;
    if (Object.hasOwn(key, name)) {
      if (key[name] === value) continue;
      throw new EventStoreAdapterError(ErrorCodes.VALIDATION, `DynamoDB update on table ${table} would change key attribute ${name}`, {
        details: { driver: 'dynamodb', table, attribute: name },
      });
    }
    result[name] = value;
  }
  return result;
}
