import { describe, expect, it } from 'vitest'
import {
  type AdminClassification,
  classifyAdminRequest,
  readinessResponse,
} from '../../../src/admin/admin-route.ts'
import { classifyRequest } from '../../../src/proxy/classify.ts'

describe('classifyAdminRequest', () => {
  const rows: Array<[string, string | undefined, AdminClassification['kind']]> = [
    ['/healthz', undefined, 'healthz'],
    ['/readyz', '/publish/', 'readyz'],
    ['/metrics', undefined, 'metrics'],
    ['/publish/', '/publish/', 'publish'],
    ['/publish', '/publish/', 'publish'],
    ['/_gripgate/purge', '/publish/', 'purge'],
    ['/_gripgate/stats', '/publish/', 'stats'],
    // Without publishing configured, no control endpoint exists here either.
    ['/publish/', undefined, 'not-found'],
    ['/_gripgate/purge', undefined, 'not-found'],
    ['/healthz/', undefined, 'not-found'],
    ['/anything', '/publish/', 'not-found'],
  ]
  it.each(rows)('%s (publish path %s) is %s', (path, publishPath, kind) => {
    expect(classifyAdminRequest(path, publishPath).kind).toBe(kind)
  })
})

describe('readinessResponse', () => {
  it('answers 200 when every check passes and 503 naming the failing one otherwise', async () => {
    const ready = readinessResponse({ ready: true, checks: { listening: true } })
    expect(ready.status).toBe(200)
    const not = readinessResponse({
      ready: false,
      checks: { listening: true, cluster: 'cluster bus unreachable' },
    })
    expect(not.status).toBe(503)
    expect(await not.json()).toEqual({
      status: 'not ready',
      checks: { listening: true, cluster: 'cluster bus unreachable' },
    })
    expect(not.headers.get('cache-control')).toBe('no-store')
  })
})

describe('publish.public: false on the public listener', () => {
  const routes = [{ path: '/*', origin: 'app', cache: 'origin' as const }]
  it('keeps the publish path from the origin without answering it', () => {
    for (const url of ['http://gw/publish/', 'http://gw/publish']) {
      expect(
        classifyRequest(
          { method: 'POST', url, headers: new Headers() },
          { routes, reservedPath: '/publish/', gripSig: 'absent', handsOff: false }
        )
      ).toEqual({ kind: 'not-found' })
    }
    expect(
      classifyRequest(
        { method: 'GET', url: 'http://gw/publisher', headers: new Headers() },
        { routes, reservedPath: '/publish/', gripSig: 'absent', handsOff: false }
      ).kind
    ).toBe('pull')
  })
})
