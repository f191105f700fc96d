/**
 * The order replay merges shards in: the global-order index's sort-key order, i.e. DynamoDB's string order (UTF-8
 * bytes, which for well-formed strings is Unicode code point order). One comparator serves the core, the twin and
 * the contract suite: src/utf8-order.ts.
 */
export { compareUtf8 as compareCodePoints } from './utf8-order.js';
