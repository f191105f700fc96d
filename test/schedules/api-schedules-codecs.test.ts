/**
 * The whole-API schedules again with the payload codecs on: every store compresses (from 0 bytes) and encrypts, and
 * each instance's key provider fails its first call and every fifth (a KMS outage), resets included (twin.ts,
 * `SCHEDULE_CODECS`). Same invariants; `API_CODEC_SCHEDULES` (default 100) sets the number. Set for this file's
 * worker only: vitest runs each test file in a worker of its own. The large payloads and snapshot states are
 * incompressible (model.ts), so they are offloaded here too, and the run's sweeps must delete orphans (`swept` > 0).
 */
process.env.SCHEDULE_CODECS = '1';
process.env.API_SCHEDULES = process.env.API_CODEC_SCHEDULES ?? '100';
await import('./api-schedules.test.js');
