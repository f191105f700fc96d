/** The pipeline's small parts: option validation, the marker, the blob frame, key providers, and how ops classify key items. */
import { describe, expect, it } from 'vitest';
import { MemoryKvDriver } from '../../drivers/memory/index.js';
import { itemKind } from '../inspection.js';
import { ErrorCodes } from '../errors/index.js';
import { resolveOptions } from '../options/index.js';
import { A, STREAM_KEY_SK, TABLE_KEY_PK } from '../layout/table-layout.js';
import { frameFields, unframeFields } from './blob-frame.js';
import { localKeyProvider } from './key-provider.js';
import { parseMarker } from './marker.js';

const issuesOf = (options: Record<string, unknown>): string[] => {
  try {
    resolveOptions({ kv: new MemoryKvDriver(), ...options });
  } catch (error) {
    expect(error).toMatchObject({ code: ErrorCodes.INVALID_OPTIONS });
    return ((error as { details: { issues: { path: string }[] } }).details.issues ?? []).map((issue) => issue.path);
  }
  throw new Error('expected INPUT/INVALID_OPTIONS');
};

describe('payload options', () => {
  it('refuses an unknown algorithm, a level out of range, a bad key provider or upcaster, naming the field', () => {
    expect(issuesOf({ compression: { algorithm: 'lz4' } })).toEqual(['compression.algorithm']);
    expect(issuesOf({ compression: { level: 12 } })).toEqual(['compression.level']);
    expect(issuesOf({ compression: { algorithm: 'gzip', level: 10 } })).toEqual(['compression.level']);
    expect(issuesOf({ compression: { maxDecompressedBytes: 10 } })).toEqual(['compression.maxDecompressedBytes']);
    expect(issuesOf({ encryption: { keys: { wrapKey: 1 } } })).toEqual(['encryption.keys']);
    expect(issuesOf({ upcast: 'v2' })).toEqual(['upcast']);
  });

  it('resolves `true` to brotli level 1 from 1,024 bytes, and off by default', () => {
    const on = resolveOptions({ kv: new MemoryKvDriver(), compression: true }).payload.compression;
    expect(on).toMatchObject({ algorithm: 'brotli', step: 'br', level: 1, minBytes: 1024, maxDecompressedBytes: 64 * 1024 * 1024 });
    expect(resolveOptions({ kv: new MemoryKvDriver() }).payload.compression.algorithm).toBeUndefined();
    expect(resolveOptions({ kv: new MemoryKvDriver(), compression: { algorithm: 'gzip' } }).payload.compression.level).toBe(6);
  });

  it('localKeyProvider needs a 32-byte master key; a key wrapped under one does not unwrap under another', async () => {
    expect(() => localKeyProvider(new Uint8Array(31))).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTIONS }));
    const key = new Uint8Array(32).fill(5);
    const wrapped = await localKeyProvider(new Uint8Array(32).fill(1)).wrapKey(key, { purpose: 'x' });
    expect(await localKeyProvider(new Uint8Array(32).fill(1)).unwrapKey(wrapped, { purpose: 'x' })).toEqual(key);
    await expect(localKeyProvider(new Uint8Array(32).fill(2)).unwrapKey(wrapped, { purpose: 'x' })).rejects.toMatchObject({
      code: ErrorCodes.CODEC_KEY_UNWRAP_FAILED,
    });
    await expect(localKeyProvider(new Uint8Array(32).fill(1)).unwrapKey(wrapped, { purpose: 'y' })).rejects.toMatchObject({
      code: ErrorCodes.CODEC_KEY_UNWRAP_FAILED,
    });
  });
});

describe('marker and blob frame', () => {
  it('parses known steps in order and refuses unknown ones', () => {
    expect(parseMarker('br.a1')).toEqual([{ kind: 'compression', algorithm: 'brotli' }, { kind: 'encryption' }]);
    expect(parseMarker('gz')).toEqual([{ kind: 'compression', algorithm: 'gzip' }]);
    expect(parseMarker('zz')).toBeUndefined();
    expect(parseMarker('br.')).toBeUndefined();
  });

  it('frames fields and refuses a truncated or padded frame', () => {
    const frame = frameFields([new Uint8Array([1, 2, 3]), new Uint8Array([])]);
    expect(unframeFields(frame, 2)).toEqual([new Uint8Array([1, 2, 3]), new Uint8Array([])]);
    expect(unframeFields(frame.subarray(0, frame.length - 1), 2)).toBeUndefined();
    expect(unframeFields(frame, 1)).toBeUndefined();
    expect(unframeFields(new Uint8Array([0, 0, 0, 9, 1]), 1)).toBeUndefined();
  });
});

describe('ops: key items are of known kinds', () => {
  it('classifies the table key and stream key items (verify would report unknown ones as unreadable)', () => {
    expect(itemKind({ [A.pk]: TABLE_KEY_PK, [A.sk]: 0 })).toBe('table-key');
    expect(itemKind({ [A.pk]: 's|acct|1', [A.sk]: STREAM_KEY_SK })).toBe('stream-key');
    expect(itemKind({ [A.pk]: 's|acct|1', [A.sk]: -3 })).toBe('unknown');
  });
});
