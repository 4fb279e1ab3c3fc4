import { describe, expect, it } from 'vitest'
import { formatProblems, parseConfigText } from '../../../src/config/parse.ts'
import { fixtureText } from './helpers.ts'

const MINIMAL =
  '{"origins":{"app":{"url":"http://127.0.0.1:9000"}},"routes":[{"path":"/*","origin":"app"}]}'

function textProblems(text: string, env: Record<string, string> = {}) {
  const result = parseConfigText(text, env)
  if (result.ok) throw new Error('expected problems')
  return result.error
}

describe('parseConfigText', () => {
  it('parses valid text', () => {
    const result = parseConfigText(MINIMAL, {})
    expect(result.ok && result.value.routes).toStrictEqual([
      { path: '/*', origin: 'app', cache: 'origin' },
    ])
  })

  it('ignores a leading byte-order mark', () => {
    expect(parseConfigText(`\uFEFF${MINIMAL}`, {}).ok).toBe(true)
  })

  it.each([
    {
      name: 'empty text',
      text: '',
      want: 'line 1, column 1: expected a value, got the end of the text',
    },
    { name: 'missing value', text: '{"a":}', want: 'line 1, column 6: expected a value, got "}"' },
    {
      name: 'trailing comma',
      text: '{\n  "a": 1,\n}',
      want: 'line 3, column 1: trailing comma before "}" is not allowed in JSON',
    },
    {
      name: 'trailing comma in an array',
      text: '[1,\n 2,\n ]',
      want: 'line 3, column 2: trailing comma before "]" is not allowed in JSON',
    },
    {
      name: 'single quotes',
      text: "{'a': 1}",
      want: `line 1, column 2: expected a double-quoted field name, got "'" (JSON strings use double quotes)`,
    },
    {
      name: 'bare field name',
      text: '{\n  origins: {}\n}',
      want: 'line 2, column 3: expected a double-quoted field name, got "o"',
    },
    {
      name: 'a comment',
      text: '// config\n{}',
      want: 'line 1, column 1: expected a value, got "/" (comments are not allowed in JSON)',
    },
    {
      name: 'missing comma',
      text: '{\n  "a": 1\n  "b": 2\n}',
      want: 'line 3, column 3: expected "," or "}" after a field value, got "\\""',
    },
    {
      name: 'missing colon',
      text: '{"a" 1}',
      want: 'line 1, column 6: expected ":" after the field name, got "1"',
    },
    {
      name: 'unterminated string',
      text: '{"a": "b',
      want: 'line 1, column 7: unterminated string',
    },
    {
      name: 'raw newline in a string',
      text: '{"a": "b\nc"}',
      want: 'line 1, column 9: control character in a string (write \\n or \\t instead)',
    },
    {
      name: 'bad escape',
      text: '{"a": "\\x"}',
      want: 'line 1, column 9: invalid escape sequence in a string',
    },
    {
      name: 'leading zero',
      text: '[01]',
      want: 'line 1, column 3: expected "," or "]" after an array item, got "1"',
    },
    { name: 'bare word', text: '{"a": yes}', want: 'line 1, column 7: expected a value, got "y"' },
    {
      name: 'text after the value',
      text: '{} {}',
      want: 'line 1, column 4: unexpected "{" after the JSON value',
    },
    {
      name: 'truncated',
      text: '{"a": [1, 2',
      want: 'line 1, column 12: expected "," or "]" after an array item, got the end of the text',
    },
  ])('reports invalid JSON at $ with line and column: $name', ({ text, want }) => {
    expect(textProblems(text)).toStrictEqual([{ path: '$', message: `invalid JSON at ${want}` }])
  })

  it('accepts every JSON value form the scanner knows', () => {
    const text =
      '{"$schema": "x\\u00e9\\n", "origins": {"app": {"url": "http://a", "timeoutMs": 1e3}}, "routes": [{"path": "/", "origin": "app", "cache": false}], "grip": null}'
    expect(textProblems(text)).toStrictEqual([
      { path: '$.grip', message: 'expected an object, got null' },
    ])
  })

  it('reports every problem of the invalid fixture, in file order', () => {
    expect(textProblems(fixtureText('invalid.json'))).toStrictEqual([
      {
        path: '$.origins.app.url',
        message:
          'expected an absolute http: or https: URL such as "http://127.0.0.1:9000", got "ftp://127.0.0.1:9000"',
      },
      {
        path: '$.origins.app.tiemoutMs',
        message: 'unknown field "tiemoutMs"; did you mean "timeoutMs"?',
      },
      { path: '$.routes[0].path', message: 'must start with "/", got string "api/*"' },
      { path: '$.routes[0].origin', message: 'unknown origin "ap"; defined origins: app' },
      { path: '$.routes[0].cache.ttl', message: 'must be at least 0, got -5' },
      {
        path: '$.routes[1].cache',
        message:
          'expected "origin", false or an object such as { "ttl": 60 }, got string "forever"',
      },
      { path: '$.grip.key', message: 'environment variable GRIP_KEY is not set' },
      { path: '$.publish.keys', message: 'must not be empty' },
      { path: '$.cache.maxBytes', message: 'expected a number, got string "64MiB"' },
    ])
  })

  it('parses the minimal and full fixtures', () => {
    expect(parseConfigText(fixtureText('minimal.json'), {}).ok).toBe(true)
    expect(parseConfigText(fixtureText('full.json'), { GRIP_KEY: 'g', PUBLISH_KEY: 'p' }).ok).toBe(
      true
    )
  })
})

describe('formatProblems', () => {
  it('prints one indented line per problem', () => {
    const text = formatProblems([
      { path: '$.routes[0].origin', message: 'unknown origin "ap"; defined origins: app' },
      { path: '$', message: 'expected an object, got null' },
    ])
    expect(text).toBe(
      '  $.routes[0].origin: unknown origin "ap"; defined origins: app\n  $: expected an object, got null'
    )
  })

  it('prints nothing for no problems', () => {
    expect(formatProblems([])).toBe('')
  })
})
