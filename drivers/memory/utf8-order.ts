/** The twin orders keys with the core's one UTF-8 comparator (DynamoDB's and S3's string order). */
export { compareUtf8 } from '../../src/utf8-order.js';
