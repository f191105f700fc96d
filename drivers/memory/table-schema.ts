/** Table schemas: validation by DynamoDB's CreateTable rules, and the differences between two schemas. */
import type { IndexSchema, KeyAttribute, TableSchema } from '../../src/ports/kv-driver.js';

/** Table and index names: 3 to 255 characters of `[a-zA-Z0-9_.-]` (DynamoDB naming rules). */
export const DYNAMODB_NAME_PATTERN = /^[a-zA-Z0-9_.-]{3,255}$/;
/** DynamoDB's default quota of global secondary indexes per table. */
export const DYNAMODB_MAX_GLOBAL_SECONDARY_INDEXES = 20;

/** Problems that make `schema` invalid (empty when valid). Index-count excess is reported separately. */
export function schemaProblems(schema: TableSchema): string[] {
  const problems: string[] = [];
  if (typeof schema?.name !== 'string' || !DYNAMODB_NAME_PATTERN.test(schema.name)) {
    problems.push(`table name '${String(schema?.name)}' must match ${DYNAMODB_NAME_PATTERN}`);
  }
  const types = new Map<string, string>();
  const checkAttribute = (attribute: KeyAttribute | undefined, where: string, required: boolean): void => {
    if (attribute === undefined) {
      if (required) problems.push(`${where} is required`);
      return;
    }
    if (typeof attribute.name !== 'string' || attribute.name.length === 0) problems.push(`${where} needs a name`);
    if (attribute.type !== 'S' && attribute.type !== 'N') problems.push(`${where} type must be 'S' or 'N'`);
    const known = types.get(attribute.name);
    if (known !== undefined && known !== attribute.type) {
      problems.push(`attribute '${attribute.name}' is defined with two types`);
    }
    types.set(attribute.name, attribute.type);
  };
  checkAttribute(schema?.partitionKey, 'partitionKey', true);
  checkAttribute(schema?.sortKey, 'sortKey', false);
  if (schema?.sortKey !== undefined && schema.sortKey.name === schema.partitionKey?.name) {
    problems.push('sortKey must differ from partitionKey');
  }
  const indexNames = new Set<string>();
  for (const index of schema?.indexes ?? []) {
    if (typeof index.name !== 'string' || !DYNAMODB_NAME_PATTERN.test(index.name)) {
      problems.push(`index name '${String(index.name)}' must match ${DYNAMODB_NAME_PATTERN}`);
    }
    if (indexNames.has(index.name)) problems.push(`index '${index.name}' is defined twice`);
    indexNames.add(index.name);
    checkAttribute(index.partitionKey, `index '${index.name}' partitionKey`, true);
    checkAttribute(index.sortKey, `index '${index.name}' sortKey`, false);
    if (index.projection !== 'ALL' && index.projection !== 'KEYS_ONLY') {
      problems.push(`index '${index.name}' projection must be 'ALL' or 'KEYS_ONLY'`);
    }
  }
  return problems;
}

/** How `existing` differs from `wanted`: key schema, and indexes missing, extra or defined differently. */
export function schemaDifferences(existing: TableSchema, wanted: TableSchema): string[] {
  const differences: string[] = [];
  if (describeKey(existing.partitionKey) !== describeKey(wanted.partitionKey)) {
    differences.push(`partitionKey: expected ${describeKey(wanted.partitionKey)}, found ${describeKey(existing.partitionKey)}`);
  }
  if (describeKey(existing.sortKey) !== describeKey(wanted.sortKey)) {
    differences.push(`sortKey: expected ${describeKey(wanted.sortKey)}, found ${describeKey(existing.sortKey)}`);
  }
  const existingIndexes = new Map(existing.indexes.map((index) => [index.name, index]));
  for (const index of wanted.indexes) {
    const found = existingIndexes.get(index.name);
    if (found === undefined) differences.push(`index '${index.name}': missing`);
    else if (describeIndex(found) !== describeIndex(index)) {
      differences.push(`index '${index.name}': expected ${describeIndex(index)}, found ${describeIndex(found)}`);
    }
    existingIndexes.delete(index.name);
  }
  for (const name of existingIndexes.keys()) differences.push(`index '${name}': not expected`);
  return differences;
}

function describeKey(attribute: KeyAttribute | undefined): string {
  return attribute === undefined ? 'none' : `${attribute.name}:${attribute.type}`;
}

function describeIndex(index: IndexSchema): string {
  return `(${describeKey(index.partitionKey)}, ${describeKey(index.sortKey)}, ${index.projection})`;
}

/** A deep, frozen copy of a schema, so later changes to the caller's object do not reach the table. */
export function freezeSchema(schema: TableSchema): TableSchema {
  const key = (attribute: KeyAttribute | undefined): KeyAttribute | undefined =>
    attribute === undefined ? undefined : Object.freeze({ name: attribute.name, type: attribute.type });
  const indexes = schema.indexes.map((index) =>
    Object.freeze({
      name: index.name,
      partitionKey: key(index.partitionKey)!,
      ...(index.sortKey === undefined ? {} : { sortKey: key(index.sortKey)! }),
      projection: index.projection,
    }),
  );
  return Object.freeze({
    name: schema.name,
    partitionKey: key(schema.partitionKey)!,
    ...(schema.sortKey === undefined ? {} : { sortKey: key(schema.sortKey)! }),
    indexes: Object.freeze(indexes),
  });
}
