import { describe, expect, it } from 'vitest'
import {
  configEnvNames,
  dotenvFor,
  isInlineJson,
  parseDotenv,
  wranglerDevArgs,
} from '../../../scripts/dev-cloudflare-args.ts'

describe('npm run dev:cloudflare helpers', () => {
  it('finds every { "env": NAME } secret of a config, once each', () => {
    const doc = {
      grip: { key: { env: 'GRIP_KEY' } },
      publish: { keys: [{ env: 'PUB_A' }, 'literal', { env: 'PUB_A' }, { env: 'PUB_B' }] },
      origins: { a: { url: 'http://x', env: 'not-a-secret-object' } },
    }
    expect(configEnvNames(doc)).toEqual(['GRIP_KEY', 'PUB_A', 'PUB_B'])
  })

  it('writes the set secrets as dotenv lines that read back unchanged', () => {
    const env = { A: 'plain', B: "it's", C: 'two\nlines', D: undefined }
    const text = dotenvFor(['A', 'B', 'C', 'D', 'E'], env)
    expect(text).toBe(`A='plain'\nB="it's"\nC="two\\nlines"\n`)
    expect(parseDotenv(text)).toEqual({ A: 'plain', B: "it's", C: 'two\nlines' })
  })

  it('reads .dev.vars lines: comments, export, bare values', () => {
    expect(parseDotenv('# c\nexport X=1\nY = two # note\nZ=""\n')).toEqual({
      X: '1',
      Y: 'two',
      Z: '',
    })
  })

  it('takes GRIPGATE_CONFIG as JSON text or as a path', () => {
    expect(isInlineJson(' {"origins":{}}')).toBe(true)
    expect(isInlineJson('./gripgate.config.json')).toBe(false)
  })

  it('runs wrangler dev locally on loopback with the config as a variable', () => {
    expect(
      wranglerDevArgs({
        configJson: '{"a":"b:c"}',
        envFiles: ['/tmp/x.env'],
        userArgs: ['--port', '9'],
      })
    ).toEqual([
      'dev',
      '--local',
      '--ip',
      '127.0.0.1',
      '--show-interactive-dev-session=false',
      '--var',
      'GRIPGATE_CONFIG:{"a":"b:c"}',
      '--env-file',
      '/tmp/x.env',
      '--port',
      '9',
    ])
  })
})
