/**
 * Validation of Structured Field dictionaries (RFC 8941 §3.2), as far as a cache needs
 * it: `CDN-Cache-Control` is a dictionary (RFC 9213 §2.1), and a field that fails to
 * parse must be ignored as a whole.
 * @module
 */

const KEY = '[a-z*][a-z0-9_.*-]*'
const BARE_ITEM =
  '(?:-?\\d{1,15}(?:\\.\\d{1,3})?|"(?:[\\x20-\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\["\\\\])*"|[a-zA-Z*][\\w:/!#$%&\'*+.^`|~-]*|:[A-Za-z0-9+/=]*:|\\?[01])'
const PARAMS = `(?:;\\s*${KEY}(?:=${BARE_ITEM})?)*`
const MEMBER = new RegExp(`^${KEY}(?:=${BARE_ITEM})?${PARAMS}$`)

/** Splits a dictionary into its members, or `undefined` when it is not a valid dictionary. */
export function dictionaryMembers(value: string): Map<string, string | true> | undefined {
  const members = new Map<string, string | true>()
  // Commas inside strings are part of the value: split outside quotes only.
  const parts = value.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []
  if (parts.length === 0 || value.trim().endsWith(',')) return undefined
  for (const raw of parts) {
    const member = raw.trim()
    if (!MEMBER.test(member)) return undefined
    const withoutParams = member.replace(/;.*$/, '')
    const eq = withoutParams.indexOf('=')
    if (eq === -1) members.set(withoutParams, true)
    else members.set(withoutParams.slice(0, eq), withoutParams.slice(eq + 1))
  }
  return members
}

/** Cache directives whose value RFC 9213 requires to be an Integer. */
const INTEGER_DIRECTIVES = ['max-age', 's-maxage', 'stale-while-revalidate', 'stale-if-error']

/** Whether a CDN-Cache-Control value is a valid dictionary with well-typed directives. */
export function isValidCdnCacheControl(value: string): boolean {
  const members = dictionaryMembers(value)
  if (!members) return false
  for (const name of INTEGER_DIRECTIVES) {
    const directive = members.get(name)
    if (directive !== undefined && (directive === true || !/^-?\d{1,15}$/.test(directive)))
      return false
  }
  return true
}
