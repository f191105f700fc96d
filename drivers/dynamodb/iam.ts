/**
 * The IAM actions the DynamoDB driver calls, for writing a least-privilege policy on the tables (and their
 * `/index/*` ARNs, which `Query` on a GSI needs).
 *
 * @param options.createTable `false` when tables are managed elsewhere: then `CreateTable` is not needed.
 * @param options.dropTable `true` to include `DeleteTable` (only tests and tooling drop tables).
 */
export function requiredDynamoDbIamActions(options: { readonly createTable?: boolean; readonly dropTable?: boolean } = {}): string[] {
  const actions = [
    'dynamodb:DescribeTable',
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    // TransactWriteItems is authorised per action: each Put/Update/Delete/ConditionCheck needs its item action.
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
  ];
  if (options.createTable ?? true) actions.push('dynamodb:CreateTable');
  if (options.dropTable ?? false) actions.push('dynamodb:DeleteTable');
  return actions;
}
