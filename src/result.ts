/**
 * Parsers of untrusted input return a `Result` instead of throwing (Pushpin's
 * `fromResponse(&ok, &err)` habit): the caller decides what a problem means.
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E }

/** Wraps a value as a successful result. */
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value })

/** Wraps a problem as a failed result. */
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error })
