/**
 * The order replay merges shards in (and `findByCausationId` sorts by): the global-order index's sort-key order,
 * i.e. DynamoDB's string order (UTF-8 bytes, which for well-formed strings is Unicode code point order). One
 * comparator, one name, serves the core, the twin and the contract suite (src/layout/utf8-order.ts `compareUtf8`); the
 * replay code takes it from here so that a mutant of the contract suite's self-test can replace it for the core alone.
 */
export { compareUtf8 } from '../layout/utf8-order.js';
