// A fresh process's store work for no-otel.test.ts: `node otel-probe.mjs <mode>`, mode `disabled` (telemetry:
// false), `absent` (@opentelemetry/* cannot be resolved, as when it is not installed) or `default`. Prints one JSON
// line: what the store read back, and every module the process loaded (ESM through a `load` hook writing to
// $PROBE_MODULE_LOG, CommonJS from the require cache).
import { readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire, register } from 'node:module';

const log = process.env.PROBE_MODULE_LOG;
writeFileSync(log, '');
const hooks = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const mode = process.argv[2];
if (mode === 'absent') {
  // What an application without the optional peer sees: resolving it fails with MODULE_NOT_FOUND.
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request.startsWith('@opentelemetry/')) {
      const error = new Error(`Cannot find module '${request}'`);
      error.code = 'MODULE_NOT_FOUND';
      throw error;
    }
    return resolve.call(this, request, ...rest);
  };
}
const { register: registerTsx } = await import('tsx/esm/api');
registerTsx();
const { runProbe } = await import('./otel-probe-body.ts');
const result = await runProbe(mode);
const esm = readFileSync(log, 'utf8').split('\n').filter(Boolean);
const cjs = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify({ ...result, modules: [...esm, ...cjs] }));
