/**
 * The client's address on Workers.
 * @module
 */

/**
 * The client's address as Cloudflare's edge reports it: `CF-Connecting-IP`, which the edge
 * sets on every request it receives (a client's own value does not survive it). Holders read
 * it from the client request they were handed (fanout/origin-link.ts).
 */
export function cloudflareClientAddress(headers: Headers): string | undefined {
  return headers.get('cf-connecting-ip') ?? undefined
}
