/**
 * Deliberately faulty drivers (decorators around correct ones), used by the self-test to prove the contract
 * suites catch each planted bug. Exported so a driver author can see what the suite is known to catch.
 */
export { ForwardingBlobDriver, ForwardingKvDriver } from './forwarding.js';
export {
  AcceptsOversizeItemsKvDriver,
  BlamesEveryActionKvDriver,
  ClaimsEveryTableCreatedKvDriver,
  CursorSkipsItemKvDriver,
  DropsLastQueryPageKvDriver,
  faultyKvVariants,
  IgnoresConditionsKvDriver,
  IgnoresPageBytesKvDriver,
  IgnoresTokenKvDriver,
  LosesUnprocessedKeysKvDriver,
  MisordersPageKvDriver,
  MissingTableReadsEmptyKvDriver,
  PageCutOneEarlyKvDriver,
  PageCutOneLateKvDriver,
  PartialTransactionKvDriver,
  ReasonLacksStoredItemKvDriver,
  RefusalFromLastAttemptKvDriver,
  RepeatsItemAcrossCursorKvDriver,
  SharesReferencesKvDriver,
  ShiftedReasonsKvDriver,
  StaleConsistentReadsKvDriver,
  UNDERSTATED_ITEM_BYTES,
  Utf16QueryOrderKvDriver,
  type FaultyKvVariant,
} from './kv-variants.js';
export {
  AcceptsOversizeObjectsBlobDriver,
  DECLARED_OBJECT_BYTES,
  faultyBlobVariants,
  LastModifiedInSecondsBlobDriver,
  ListLosesLastPageBlobDriver,
  ListsInUtf16OrderBlobDriver,
  SharesBytesBlobDriver,
  SWAPPED_PART_BYTES,
  SwapsLargeObjectPartsBlobDriver,
  type FaultyBlobVariant,
} from './blob-variants.js';
