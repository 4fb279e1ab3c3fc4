/**
 * How an origin is named to a client: by its name in the config, never by its URL, which
 * names internal addresses and ports (issue #12). Apart from origin-failure.ts so platforms
 * that build their own errors (Fastly) can use it alone.
 * @module
 */

/** `origin "app"`, or `the origin` when the name is not known. */
export function originLabel(name: string | undefined): string {
  return name ? `origin "${name}"` : 'the origin'
}
