/**
 * Our configurations in the peer bench, and every library name it knows. Kept free of the libraries' imports so
 * the bench's configuration can name them cheaply.
 */

/** One of our configurations: a name and the options it adds to the drop-in constructor. */
export interface OurVariant {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * Our configurations, in report order: a new option is one more entry. `ours+compression` needs the `compression`
 * option (issue 18, built in parallel): while the constructor refuses it, it is skipped with a printed note (see
 * `unsupportedVariant` in `libraries.ts`).
 */
export const OUR_VARIANTS: readonly OurVariant[] = [
  { name: 'ours', options: {} },
  { name: 'ours+compression', options: { compression: true } },
];

/** Every library name of the peer bench, in report order (`BENCH_PEERS` selects among them). */
export const PEER_LIBRARY_NAMES: readonly string[] = [...OUR_VARIANTS.map((variant) => variant.name), 'old adapter', 'Equinox', 'castore'];
