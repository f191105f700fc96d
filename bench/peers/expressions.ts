/**
 * Just enough of DynamoDB's expression language for the rules meter to follow what the benched libraries send:
 * key conditions (`pk = :v`, optionally `AND` one sort-key condition: a comparison, `BETWEEN … AND …` or
 * `begins_with`), and update expressions (`SET` with values, attributes, `list_append`, `if_not_exists`, `+`/`-`;
 * `REMOVE`; `ADD` of numbers), on top-level attributes only. Anything else throws, naming the expression, so a
 * library that starts sending something new fails the meter loudly instead of being priced wrongly.
 *
 * Values are plain (unmarshalled): strings, numbers, Uint8Arrays, booleans, null, arrays and objects.
 */

/** A plain attribute value. */
export type PlainValue = unknown;
/** A plain item. */
export type PlainItem = Record<string, PlainValue>;

/** A parsed key condition: the partition attribute and value, and an optional test of the sort attribute. */
export interface KeyCondition {
  readonly partitionName: string;
  readonly partitionValue: PlainValue;
  /** Sort-key test, when the condition has one. */
  readonly sort?: { readonly name: string; readonly test: (value: PlainValue) => boolean };
}

/** Parse a `KeyConditionExpression` with its names and (plain) values. */
export function parseKeyCondition(
  expression: string,
  names: Readonly<Record<string, string>> = {},
  values: Readonly<Record<string, PlainValue>> = {},
): KeyCondition {
  const tokens = new Tokens(expression, names, values);
  const conditions = [keyTerm(tokens)];
  while (tokens.peekWord('AND')) {
    tokens.next();
    conditions.push(keyTerm(tokens));
  }
  tokens.end();
  const partition = conditions.find((condition) => condition.operator === '=');
  if (!partition || conditions.length > 2) throw new Error(`rules meter: unsupported key condition ${JSON.stringify(expression)}`);
  const sort = conditions.find((condition) => condition !== partition);
  return {
    partitionName: partition.name,
    partitionValue: partition.operands[0],
    ...(sort ? { sort: { name: sort.name, test: sortTest(sort) } } : {}),
  };
}

/** Apply an `UpdateExpression` to a copy of `before` (absent: a new item with `key`); returns the item after. */
export function applyUpdate(
  before: PlainItem | undefined,
  key: PlainItem,
  expression: string,
  names: Readonly<Record<string, string>> = {},
  values: Readonly<Record<string, PlainValue>> = {},
): PlainItem {
  // Every operand reads the item as it was before the update, as DynamoDB evaluates them.
  const original: PlainItem = { ...(before ?? key) };
  const item: PlainItem = { ...original };
  const tokens = new Tokens(expression, names, values);
  while (!tokens.done()) {
    const clause = tokens.word();
    if (clause === 'SET') {
      do {
        const name = tokens.attribute();
        tokens.expect('=');
        item[name] = setValue(tokens, original);
      } while (tokens.skip(','));
    } else if (clause === 'REMOVE') {
      do delete item[tokens.attribute()];
      while (tokens.skip(','));
    } else if (clause === 'ADD') {
      do {
        const name = tokens.attribute();
        const addend = tokens.value();
        const current = original[name];
        if (typeof addend !== 'number' || (current !== undefined && typeof current !== 'number'))
          throw new Error(`rules meter: ADD of non-numbers in ${JSON.stringify(expression)}`);
        item[name] = (current ?? 0) + addend;
      } while (tokens.skip(','));
    } else {
      throw new Error(`rules meter: unsupported update clause ${clause} in ${JSON.stringify(expression)}`);
    }
  }
  return item;
}

/** Compare two sort-key values as DynamoDB orders them: numbers numerically, strings and binaries by bytes. */
export function compareKeyValues(a: PlainValue, b: PlainValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const bytes = (value: PlainValue): Buffer => {
    if (typeof value === 'string') return Buffer.from(value, 'utf8');
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new Error(`rules meter: ${JSON.stringify(value)} is not a key value`);
  };
  return Buffer.compare(bytes(a), bytes(b));
}

interface Term {
  readonly name: string;
  readonly operator: '=' | '<' | '<=' | '>' | '>=' | 'BETWEEN' | 'BEGINS_WITH';
  readonly operands: readonly PlainValue[];
}

function keyTerm(tokens: Tokens): Term {
  if (tokens.skip('(')) {
    const term = keyTerm(tokens);
    tokens.expect(')');
    return term;
  }
  if (tokens.peekWord('begins_with')) {
    tokens.next();
    tokens.expect('(');
    const name = tokens.attribute();
    tokens.expect(',');
    const prefix = tokens.value();
    tokens.expect(')');
    return { name, operator: 'BEGINS_WITH', operands: [prefix] };
  }
  const name = tokens.attribute();
  if (tokens.peekWord('BETWEEN')) {
    tokens.next();
    const low = tokens.value();
    if (tokens.word() !== 'AND') throw new Error('rules meter: BETWEEN without AND');
    return { name, operator: 'BETWEEN', operands: [low, tokens.value()] };
  }
  const operator = tokens.next();
  if (!['=', '<', '<=', '>', '>='].includes(operator)) throw new Error(`rules meter: unsupported key operator ${operator}`);
  return { name, operator: operator as Term['operator'], operands: [tokens.value()] };
}

function sortTest(term: Term): (value: PlainValue) => boolean {
  const [first, second] = term.operands;
  switch (term.operator) {
    case '=':
      return (value) => compareKeyValues(value, first) === 0;
    case '<':
      return (value) => compareKeyValues(value, first) < 0;
    case '<=':
      return (value) => compareKeyValues(value, first) <= 0;
    case '>':
      return (value) => compareKeyValues(value, first) > 0;
    case '>=':
      return (value) => compareKeyValues(value, first) >= 0;
    case 'BETWEEN':
      return (value) => compareKeyValues(value, first) >= 0 && compareKeyValues(value, second) <= 0;
    case 'BEGINS_WITH':
      return (value) =>
        typeof value === 'string' && typeof first === 'string' ? value.startsWith(first) : compareBytesPrefix(value, first);
  }
}

function compareBytesPrefix(value: PlainValue, prefix: PlainValue): boolean {
  if (!(value instanceof Uint8Array) || !(prefix instanceof Uint8Array)) return false;
  return Buffer.from(value).subarray(0, prefix.byteLength).equals(Buffer.from(prefix));
}

/** `operand [+|- operand]` on the right of a SET. */
function setValue(tokens: Tokens, item: PlainItem): PlainValue {
  const left = operand(tokens, item);
  if (tokens.skip('+')) return numeric(left) + numeric(operand(tokens, item));
  if (tokens.skip('-')) return numeric(left) - numeric(operand(tokens, item));
  return left;
}

function operand(tokens: Tokens, item: PlainItem): PlainValue {
  if (tokens.peekPlaceholder()) return tokens.value();
  if (tokens.peekWord('list_append')) {
    tokens.next();
    tokens.expect('(');
    const first = operand(tokens, item);
    tokens.expect(',');
    const second = operand(tokens, item);
    tokens.expect(')');
    if (!Array.isArray(first) || !Array.isArray(second)) throw new Error('rules meter: list_append of non-lists');
    return [...first, ...second];
  }
  if (tokens.peekWord('if_not_exists')) {
    tokens.next();
    tokens.expect('(');
    const name = tokens.attribute();
    tokens.expect(',');
    const fallback = operand(tokens, item);
    tokens.expect(')');
    return item[name] ?? fallback;
  }
  return item[tokens.attribute()];
}

function numeric(value: PlainValue): number {
  if (typeof value !== 'number') throw new Error(`rules meter: arithmetic on ${JSON.stringify(value)}`);
  return value;
}

/** A token stream over an expression; `#name` and `:value` resolve through the maps given. */
class Tokens {
  private readonly tokens: string[];
  private position = 0;

  constructor(
    private readonly expression: string,
    private readonly names: Readonly<Record<string, string>>,
    private readonly values: Readonly<Record<string, PlainValue>>,
  ) {
    this.tokens = expression.match(/<=|>=|<>|[=<>(),+-]|[#:]?[A-Za-z0-9_.[\]]+/g) ?? [];
    const rebuilt = this.tokens.join('').replace(/\s+/g, '');
    if (rebuilt !== expression.replace(/\s+/g, '')) throw new Error(`rules meter: cannot tokenise ${JSON.stringify(expression)}`);
  }

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  end(): void {
    if (!this.done()) throw new Error(`rules meter: unexpected ${this.tokens[this.position]} in ${JSON.stringify(this.expression)}`);
  }

  next(): string {
    const token = this.tokens[this.position++];
    if (token === undefined) throw new Error(`rules meter: expression ${JSON.stringify(this.expression)} ends early`);
    return token;
  }

  word(): string {
    return this.next().toUpperCase();
  }

  peekWord(word: string): boolean {
    return this.tokens[this.position]?.toUpperCase() === word.toUpperCase();
  }

  peekPlaceholder(): boolean {
    return this.tokens[this.position]?.startsWith(':') ?? false;
  }

  skip(token: string): boolean {
    if (this.tokens[this.position] !== token) return false;
    this.position++;
    return true;
  }

  expect(token: string): void {
    const found = this.next();
    if (found !== token) throw new Error(`rules meter: expected ${token}, found ${found} in ${JSON.stringify(this.expression)}`);
  }

  /** A top-level attribute name (`#alias` resolved); nested paths throw. */
  attribute(): string {
    const token = this.next();
    if (/[.[\]]/.test(token)) throw new Error(`rules meter: nested path ${token} is not supported`);
    if (token.startsWith('#')) {
      const name = this.names[token];
      if (name === undefined) throw new Error(`rules meter: no ExpressionAttributeNames entry for ${token}`);
      return name;
    }
    if (token.startsWith(':')) throw new Error(`rules meter: expected an attribute, found ${token}`);
    return token;
  }

  /** A `:placeholder`'s value. */
  value(): PlainValue {
    const token = this.next();
    if (!token.startsWith(':') || !Object.hasOwn(this.values, token))
      throw new Error(`rules meter: no ExpressionAttributeValues entry for ${token} in ${JSON.stringify(this.expression)}`);
    return this.values[token];
  }
}
