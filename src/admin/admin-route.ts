/**
 * The admin listener's paths (docs/operations.md): health, readiness and metrics for the
 * operator, and the same publish, purge and stats endpoints as the public listener, so the
 * control plane can be kept off it (`publish.public: false`). Nothing here reaches an origin.
 * @module
 */
import { ADMIN_PREFIX, isPublishPath } from '../proxy/classify.ts'

/** What an admin request asks for. */
export type AdminClassification =
  | { kind: 'healthz' }
  | { kind: 'readyz' }
  | { kind: 'metrics' }
  | { kind: 'publish' }
  | { kind: 'purge' }
  | { kind: 'stats' }
  | { kind: 'not-found' }

/** Decides what an admin request is; the control endpoints only when publishing is configured. */
export function classifyAdminRequest(path: string, publishPath?: string): AdminClassification {
  if (path === '/healthz') return { kind: 'healthz' }
  if (path === '/readyz') return { kind: 'readyz' }
  if (path === '/metrics') return { kind: 'metrics' }
  if (publishPath !== undefined) {
    // The same paths as on the public listener, so a publisher only changes its port.
    if (isPublishPath(path, publishPath)) return { kind: 'publish' }
    if (path === `${ADMIN_PREFIX}purge`) return { kind: 'purge' }
    if (path === `${ADMIN_PREFIX}stats`) return { kind: 'stats' }
  }
  return { kind: 'not-found' }
}

/** Whether the gateway can take traffic, and what each check found. */
export interface Readiness {
  ready: boolean
  /** Each check by name: `true` when it passes, else why it does not. */
  checks: Record<string, true | string>
}

/** Exported metrics in a platform's format (Prometheus text on Node). */
export interface MetricsText {
  contentType: string
  body: string
}

/**
 * What the admin endpoints need from the platform: readiness (listening, a cluster's bus up)
 * and the metrics export; the core cannot see either.
 */
export interface AdminHooks {
  readiness(): Readiness
  /** Absent: `/metrics` answers 404 (nothing is exported). */
  metrics?(): Promise<MetricsText>
}

/** `GET /readyz`: 200 when every check passes, else 503 listing what failed. */
export function readinessResponse(readiness: Readiness): Response {
  return Response.json(
    { status: readiness.ready ? 'ready' : 'not ready', checks: readiness.checks },
    { status: readiness.ready ? 200 : 503, headers: { 'cache-control': 'no-store' } }
  )
}

/** `GET /healthz`: the process answers, nothing more (a liveness probe). */
export function healthResponse(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } })
}
