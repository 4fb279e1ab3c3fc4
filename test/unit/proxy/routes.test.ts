import { describe, expect, it } from 'vitest'
import type { RouteConfig } from '../../../src/config/types.ts'
import { hostMatches, matchRoute, pathMatches } from '../../../src/proxy/routes.ts'

describe('pathMatches', () => {
  it.each<[string, string, boolean]>([
    ['/', '/', true],
    ['/', '/a', false],
    ['/items', '/items', true],
    ['/items', '/items/', false],
    ['/items', '/items/1', false],
    ['/items', '/Items', false],
    ['/api/*', '/api/', true],
    ['/api/*', '/api/v1/x', true],
    ['/api/*', '/api', false],
    ['/api/*', '/apix', false],
    ['/api*', '/apix', true],
    ['/*', '/', true],
    ['/*', '/anything/at/all', true],
  ])('%s matches %s: %s', (pattern, path, want) => {
    expect(pathMatches(pattern, path)).toBe(want)
  })
})

describe('hostMatches', () => {
  it.each<[string | undefined, string, boolean]>([
    [undefined, 'any.example', true],
    ['example.com', 'example.com', true],
    ['example.com', 'EXAMPLE.com', true],
    ['Example.COM', 'example.com', true],
    ['example.com', 'example.com:8080', true],
    ['example.com', 'www.example.com', false],
    ['example.com', 'example.com.evil', false],
    ['example.com:8080', 'example.com:8080', true],
    ['example.com:8080', 'example.com:9090', false],
    ['example.com:8080', 'example.com', false],
    ['127.0.0.1', '127.0.0.1:3000', true],
    ['[::1]', '[::1]:3000', true],
    ['[::1]', '[::1]', true],
    ['[::1]:3000', '[::1]:3000', true],
    ['[::1]:3000', '[::1]:4000', false],
  ])('%s matches %s: %s', (pattern, host, want) => {
    expect(hostMatches(pattern, host)).toBe(want)
  })
})

describe('matchRoute', () => {
  const routes: RouteConfig[] = [
    { path: '/api/*', host: 'api.example', origin: 'api', cache: false },
    { path: '/static/*', origin: 'assets', cache: { ttl: 60 } },
    { path: '/*', host: 'www.example', origin: 'www', cache: 'origin' },
    { path: '/*', origin: 'fallback', cache: 'origin' },
  ]

  it.each<[string, string, string | undefined]>([
    ['api.example', '/api/items', 'api'],
    ['www.example', '/api/items', 'www'],
    ['api.example', '/static/a.css', 'assets'],
    ['www.example:8443', '/', 'www'],
    ['other.example', '/x', 'fallback'],
  ])('%s%s → %s', (host, path, want) => {
    expect(matchRoute(routes, host, path)?.origin).toBe(want)
  })

  it('finds nothing when no route matches', () => {
    expect(matchRoute(routes.slice(0, 2), 'www.example', '/')).toBeUndefined()
    expect(matchRoute([], 'www.example', '/')).toBeUndefined()
  })
})
