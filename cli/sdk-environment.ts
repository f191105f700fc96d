/**
 * The AWS SDK's environment, set up before any SDK module loads (the CLI calls this first; a call, not an import
 * for its side effects: the package is `sideEffects: false`, so a bundler may drop a side-effect-only import):
 * - the SDK for JavaScript v3 prints a 9-line `NodeVersionSupportWarning` on stderr from each client's construction
 *   on Node < 22 (its support window, not a problem of the command): `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED`
 *   is the SDK's own switch for it (`@aws-sdk/core` `emitWarningIfUnsupportedVersion`); a value the user set is kept;
 * - an empty `AWS_REGION` / `AWS_DEFAULT_REGION` is taken as unset (the SDK would use `""` and fail with a hostname
 *   error instead of saying that no region is configured).
 */
export function prepareSdkEnvironment(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) if (process.env[name] === '') delete process.env[name];
}
