/**
 * Turns zod issues into config problems a person can act on: one message per
 * problem in the same plain wording (`expected a number, got string "abc"`),
 * one problem per unknown field (with a did-you-mean), and for a union the
 * errors of the alternative the value was evidently meant as.
 * @module
 */
import type { z } from 'zod'
import { closestName, describeValue, expectedGot, oneOf } from './describe.ts'
import type { PathSegment } from './json-path.ts'

type Issue = z.core.$ZodIssue
type RawIssue = z.core.$ZodRawIssue

/** A problem whose path is still a list of segments, so it can be sorted and formatted. */
export interface LocatedProblem {
  segments: PathSegment[]
  message: string
}

const TYPE_NAMES: Record<string, string> = {
  array: 'an array',
  boolean: 'a boolean',
  int: 'an integer',
  number: 'a number',
  object: 'an object',
  record: 'an object',
  string: 'a string',
}

const typeName = (expected: string) => TYPE_NAMES[expected] ?? expected

/** Wording of a numeric bound, by issue code, then [exclusive, inclusive]. */
const BOUNDS = {
  too_small: ['greater than', 'at least'],
  too_big: ['less than', 'at most'],
} as const

function sizeMessage(iss: RawIssue & { code: 'too_small' | 'too_big' }): string {
  const small = iss.code === 'too_small'
  const limit = Number(small ? iss.minimum : iss.maximum)
  if (iss.origin === 'string' || iss.origin === 'array') {
    if (small && limit === 1) return 'must not be empty'
    const unit = iss.origin === 'string' ? 'characters' : 'items'
    return `must have ${small ? 'at least' : 'at most'} ${limit} ${unit}`
  }
  const bound = BOUNDS[iss.code][iss.inclusive ? 1 : 0]
  return `must be ${bound} ${limit}, got ${String(iss.input)}`
}

/** What a union accepts, read from the root-level complaint of each alternative. */
function unionExpectation(branches: readonly (readonly Issue[])[]): string {
  const expected = new Set<string>()
  for (const issue of branches.flatMap((branch) => branch.filter((i) => i.path.length === 0))) {
    if (issue.code === 'invalid_type') expected.add(typeName(issue.expected))
    if (issue.code === 'invalid_value') {
      for (const v of issue.values) expected.add(JSON.stringify(v))
    }
  }
  return oneOf([...expected])
}

function message(iss: RawIssue): string {
  switch (iss.code) {
    case 'invalid_type':
      return expectedGot(typeName(iss.expected), iss.input)
    case 'invalid_value':
      return expectedGot(oneOf(iss.values.map((v) => JSON.stringify(v))), iss.input)
    case 'too_small':
    case 'too_big':
      return sizeMessage(iss)
    case 'invalid_union':
      return expectedGot(unionExpectation(iss.errors), iss.input)
    case 'invalid_key':
      return `invalid name: ${iss.issues.map((i) => i.message).join('; ')}`
    case 'invalid_format':
      return `does not match ${iss.pattern ?? iss.format}, got ${describeValue(iss.input)}`
    default:
      return iss.message ?? 'invalid value'
  }
}

/** Alternatives that accepted the value's type and failed only deeper (or on extra keys). */
function intendedBranch(branches: readonly Issue[][]): Issue[] | undefined {
  const typeMismatch = (i: Issue) =>
    i.path.length === 0 &&
    (i.code === 'invalid_type' || i.code === 'invalid_value' || i.code === 'invalid_union')
  return branches
    .filter((branch) => !branch.some(typeMismatch))
    .sort((a, b) => a.length - b.length)[0]
}

/**
 * One reader per parse. Its `errorMap` goes to `safeParse` (with `reportInput`)
 * and remembers the declared keys of every object with unknown keys, which
 * `toProblems` needs for did-you-mean but zod does not keep on the issue.
 */
export function createIssueReader() {
  const declaredKeys = new WeakMap<object, string[]>()

  const errorMap: z.core.$ZodErrorMap = (iss) => {
    if (iss.code === 'unrecognized_keys' && typeof iss.input === 'object' && iss.input) {
      const shape = (iss.inst?._zod.def as { shape?: object } | undefined)?.shape ?? {}
      declaredKeys.set(iss.input, Object.keys(shape))
    }
    return message(iss)
  }

  const unknownField = (key: string, known: readonly string[]) => {
    const guess = closestName(key, known)
    if (guess) return `unknown field "${key}"; did you mean "${guess}"?`
    return known.length > 0
      ? `unknown field "${key}"; expected one of: ${known.join(', ')}`
      : `unknown field "${key}"`
  }

  const toProblems = (issues: readonly Issue[], prefix: PathSegment[] = []): LocatedProblem[] =>
    issues.flatMap((issue): LocatedProblem[] => {
      const segments = [
        ...prefix,
        ...issue.path.map((p) => (typeof p === 'number' ? p : String(p))),
      ]
      if (issue.code === 'unrecognized_keys') {
        const known = (issue.input && declaredKeys.get(issue.input)) ?? []
        return issue.keys.map((key) => ({
          segments: [...segments, key],
          message: unknownField(key, known),
        }))
      }
      if (issue.code === 'invalid_union') {
        const branch = intendedBranch(issue.errors)
        if (branch) return toProblems(branch, segments)
      }
      return [{ segments, message: issue.message }]
    })

  return { errorMap, toProblems }
}
