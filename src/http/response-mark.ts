/**
 * A value attached to a Response the core built, for the code that later receives that very
 * Response (the whole body an origin answer already carries, the stored entry a hit answers
 * with) without adding a field to a web-standard object. Weak: a mark lives as long as its
 * Response.
 * @module
 */

/** A kind of mark: `mark` attaches a value to a Response (and returns it), `of` reads it back. */
export interface ResponseMark<T> {
  mark(response: Response, value: T): Response
  of(response: Response): T | undefined
}

/** A new kind of mark, with its own table. */
export function responseMark<T>(): ResponseMark<T> {
  const marks = new WeakMap<Response, T>()
  return {
    mark(response, value) {
      marks.set(response, value)
      return response
    },
    of: (response) => marks.get(response),
  }
}
