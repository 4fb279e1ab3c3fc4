import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/parse.ts'
import { base, problemsOf } from './helpers.ts'

const withSecrets = (gripKey: unknown, publishKeys: unknown[]) => ({
  ...base,
  grip: { key: gripKey },
  publish: { keys: publishKeys },
})

describe('env secrets', () => {
  it('resolves { "env": NAME } from the injected env, mixed with inline secrets', () => {
    const result = parseConfig(withSecrets({ env: 'GRIP_KEY' }, ['inline', { env: 'PUB_2' }]), {
      GRIP_KEY: 'from-env',
      PUB_2: 'second',
    })
    expect(result.ok && [result.value.grip?.key, result.value.publish?.keys]).toStrictEqual([
      'from-env',
      ['inline', 'second'],
    ])
  })

  it.each([
    { name: 'unset', env: {}, want: 'environment variable GRIP_KEY is not set' },
    {
      name: 'undefined',
      env: { GRIP_KEY: undefined },
      want: 'environment variable GRIP_KEY is not set',
    },
    { name: 'empty', env: { GRIP_KEY: '' }, want: 'environment variable GRIP_KEY is empty' },
  ])('reports a $name variable at the secret path', ({ env, want }) => {
    expect(problemsOf(withSecrets({ env: 'GRIP_KEY' }, ['p']), env)).toStrictEqual([
      ['$.grip.key', want],
    ])
  })

  it('reports every missing variable, alongside schema problems', () => {
    const raw = {
      ...withSecrets({ env: 'A' }, [{ env: 'B' }, 'ok', { env: 'C' }]),
      cache: { maxBytes: 0 },
    }
    expect(problemsOf(raw, { B: 'set' })).toStrictEqual([
      ['$.grip.key', 'environment variable A is not set'],
      ['$.publish.keys[2]', 'environment variable C is not set'],
      ['$.cache.maxBytes', 'must be greater than 0, got 0'],
    ])
  })

  it('never echoes a resolved secret in a problem', () => {
    const problems = problemsOf({ ...withSecrets({ env: 'K' }, ['p']), extra: 1 }, { K: 'hunter2' })
    expect(JSON.stringify(problems)).not.toContain('hunter2')
  })

  // Found by the config fuzz (issue #12): the config was accepted, then every origin request
  // failed to sign its Grip-Sig (atob threw) and the gateway answered 500 INTERNAL to all.
  it.each([
    { name: 'not base64', secret: 'base64:!!' },
    { name: 'empty', secret: 'base64:' },
    { name: 'only padding', secret: 'base64:====' },
  ])('refuses a base64: secret that is $name, at its path', ({ secret }) => {
    const problem = 'expected base64 bytes after "base64:" (a key of at least one byte)'
    expect(problemsOf(withSecrets(secret, [secret]))).toStrictEqual([
      ['$.grip.key', problem],
      ['$.publish.keys[0]', problem],
    ])
  })

  it('refuses a bad base64: secret read from the env without echoing it', () => {
    const problems = problemsOf(withSecrets({ env: 'K' }, ['p']), { K: 'base64:hunter2!' })
    expect(problems).toStrictEqual([
      ['$.grip.key', 'expected base64 bytes after "base64:" (a key of at least one byte)'],
    ])
    expect(JSON.stringify(problems)).not.toContain('hunter2')
  })

  it('takes a base64: secret that decodes, padded or not', () => {
    const result = parseConfig(withSecrets('base64:c2VjcmV0', ['base64:c2VjcmV0IQ']), {})
    expect(result.ok).toBe(true)
  })

  // Found by the config fuzz (issue #12): the lookup went up the prototype chain, so
  // { "env": "constructor" } resolved to the Object function (a well-known "secret": its
  // source text) and { "env": "valueOf" } made the parser throw.
  it.each(['constructor', 'valueOf', 'toString', '__proto__', 'hasOwnProperty'])(
    'reports { "env": "%s" } as not set when the env has no such variable',
    (name) => {
      expect(problemsOf(withSecrets({ env: name }, ['p']), {})).toStrictEqual([
        ['$.grip.key', `environment variable ${name} is not set`],
      ])
    }
  )

  it('does not read variables that are not referenced', () => {
    const env = new Proxy({} as Record<string, string>, {
      get: (_target, name) => {
        throw new Error(`read ${String(name)}`)
      },
    })
    expect(parseConfig(withSecrets('inline', ['p']), env).ok).toBe(true)
  })
})
