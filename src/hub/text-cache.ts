/**
 * Text messages are published as UTF-8 bytes but sent to sockets as strings: decode each
 * published content once, not once per subscriber ("encode once per publish").
 * @module
 */

const decoded = new WeakMap<Uint8Array, string>()
const decoder = new TextDecoder()

/** The text of `bytes`, decoded at most once per distinct array. */
export function textOf(bytes: Uint8Array): string {
  let text = decoded.get(bytes)
  if (text === undefined) {
    text = decoder.decode(bytes)
    decoded.set(bytes, text)
  }
  return text
}
