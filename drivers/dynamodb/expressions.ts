import { ErrorCodes, EventStoreAdapterError } from '../../src/errors/index.js';
import type { AttributeValue, Condition, KeyValue, RangeCondition } from '../../src/ports/kv-driver.js';

/**
 * Builds DynamoDB expressions from the port's abstract conditions. Every attribute name goes through an
 * `ExpressionAttributeNames` placeholder (`#n0`) and every value through an `ExpressionAttributeValues`
 * placeholder (`:v0`): no name or value is ever interpolated into expression text.
 */
export class ExpressionBuilder {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, AttributeValue> = {};
  private valueCount = 0;

  /** The placeholder for attribute `name` (one placeholder per distinct name). */
  name(name: string): string {
    let placeholder = this.names.get(name);
    if (placeholder === undefined) {
      placeholder = `#n${this.names.size}`;
      this.names.set(name, placeholder);
    }
    return placeholder;
  }

  /** A fresh placeholder bound to `value`. */
  value(value: AttributeValue): string {
    const placeholder = `:v${this.valueCount}`;
    this.valueCount += 1;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** `ExpressionAttributeNames` / `ExpressionAttributeValues` for the request, each omitted when empty (DynamoDB rejects empty maps). */
  attributes(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  } {
    const result: {
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, AttributeValue>;
    } = {};
    if (this.names.size > 0) {
      result.ExpressionAttributeNames = Object.fromEntries([...this.names].map(([name, placeholder]) => [placeholder, name]));
    }
    if (this.valueCount > 0) result.ExpressionAttributeValues = { ...this.values };
    return result;
  }
}

/** A condition with constant sub-trees folded away: `true` (always holds), `false` (never holds) or a tree without constants. */
export type SimplifiedCondition = Condition | boolean;

/**
 * Fold constants: an empty `and` always holds, an empty `or` never does; `and` with a `false` branch is `false`,
 * `or` with a `true` branch is `true`; single-branch `and`/`or` collapse to the branch. Done before rendering so
 * no placeholder is registered for a branch that is then dropped (DynamoDB rejects unused placeholders).
 */
export function simplifyCondition(condition: Condition): SimplifiedCondition {
  if (condition.kind !== 'and' && condition.kind !== 'or') return condition;
  const identity = condition.kind === 'and'; // the value that leaves the other operand unchanged
  const kept: Condition[] = [];
  for (const sub of condition.conditions) {
    const simple = simplifyCondition(sub);
    if (simple === identity) continue;
    if (typeof simple === 'boolean') return simple; // the absorbing value
    kept.push(simple);
  }
  if (kept.length === 0) return identity;
  if (kept.length === 1) return kept[0]!;
  return { kind: condition.kind, conditions: kept };
}

/**
 * A condition expression for `condition`, where `existenceAttribute` is an attribute every stored item has (the
 * table's partition key), used for `exists`/`notExists`. Returns `undefined` when the condition always holds
 * (e.g. an empty `and`); a condition that never holds (e.g. an empty `or`) becomes a contradiction on the
 * existence attribute.
 */
export function conditionExpression(condition: Condition, existenceAttribute: string, builder: ExpressionBuilder): string | undefined {
  const simple = simplifyCondition(condition);
  if (simple === true) return undefined;
  if (simple === false) {
    const name = builder.name(existenceAttribute);
    return `attribute_exists(${name}) AND attribute_not_exists(${name})`;
  }
  return render(simple, existenceAttribute, builder);
}

/** An always-true expression, for a condition check whose condition always holds (a check needs some expression). */
export function tautologyExpression(existenceAttribute: string, builder: ExpressionBuilder): string {
  const name = builder.name(existenceAttribute);
  return `attribute_exists(${name}) OR attribute_not_exists(${name})`;
}

function render(condition: Condition, existenceAttribute: string, builder: ExpressionBuilder): string {
  switch (condition.kind) {
    case 'notExists':
      return `attribute_not_exists(${builder.name(existenceAttribute)})`;
    case 'exists':
      return `attribute_exists(${builder.name(existenceAttribute)})`;
    case 'equals':
      return `${builder.name(condition.attribute)} = ${builder.value(condition.value)}`;
    case 'and':
    case 'or': {
      const joiner = condition.kind === 'and' ? ' AND ' : ' OR ';
      return condition.conditions.map((sub) => `(${render(sub, existenceAttribute, builder)})`).join(joiner);
    }
    default:
      throw invalid(`unknown condition kind ${JSON.stringify((condition as { kind?: unknown }).kind)}`);
  }
}

/** A key condition expression: `partitionAttribute = partition`, and the sort-key `range` when given. */
export function keyConditionExpression(
  partitionAttribute: string,
  partition: KeyValue,
  sortAttribute: string | undefined,
  range: RangeCondition | undefined,
  builder: ExpressionBuilder,
): string {
  const partitionPart = `${builder.name(partitionAttribute)} = ${builder.value(partition)}`;
  if (range === undefined) return partitionPart;
  if (sortAttribute === undefined) throw invalid('a range condition was given but the table or index has no sort key');
  const sort = builder.name(sortAttribute);
  return `${partitionPart} AND ${rangeExpression(sort, range, builder)}`;
}

const COMPARATORS = { eq: '=', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

function rangeExpression(sort: string, range: RangeCondition, builder: ExpressionBuilder): string {
  switch (range.op) {
    case 'between':
      return `${sort} BETWEEN ${builder.value(range.low)} AND ${builder.value(range.high)}`;
    case 'beginsWith':
      return `begins_with(${sort}, ${builder.value(range.prefix)})`;
    case 'eq':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return `${sort} ${COMPARATORS[range.op]} ${builder.value(range.value)}`;
    default:
      throw invalid(`unknown range operator ${JSON.stringify((range as { op?: unknown }).op)}`);
  }
}

/** A `SET` update expression for `set` (attributes whose value is `undefined` are skipped). */
export function setExpression(set: Readonly<Record<string, AttributeValue | undefined>>, builder: ExpressionBuilder): string | undefined {
  const parts = Object.entries(set)
    .filter((entry): entry is [string, AttributeValue] => entry[1] !== undefined)
    .map(([name, value]) => `${builder.name(name)} = ${builder.value(value)}`);
  return parts.length === 0 ? undefined : `SET ${parts.join(', ')}`;
}

function invalid(message: string): EventStoreAdapterError {
  return new EventStoreAdapterError(ErrorCodes.VALIDATION, `DynamoDB expression: ${message}`, { details: { driver: 'dynamodb' } });
}
