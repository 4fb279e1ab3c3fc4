// Types for http-cache-semantics 4.3 (the DefinitelyTyped package stops at 4.2 and
// lacks evaluateRequest, useStaleWhileRevalidate and an overridable now()).
declare module 'http-cache-semantics' {
  namespace CachePolicy {
    interface HttpRequest {
      url?: string
      method?: string
      headers: Record<string, string>
    }
    interface HttpResponse {
      status?: number
      headers: Record<string, string>
    }
    interface Options {
      shared?: boolean
      cacheHeuristic?: number
      immutableMinTimeToLive?: number
      ignoreCargoCult?: boolean
    }
    interface Evaluation {
      response: HttpResponse | undefined
      revalidation: { headers: Record<string, string>; synchronous: boolean } | undefined
    }
    /** The serialized form (`toObject()`); `t` is the response time, `resh` the headers. */
    interface CachePolicyObject {
      v: number
      t: number
      st: number
      resh: Record<string, string>
      /** The response's parsed Cache-Control directives. */
      rescc?: Record<string, string | true>
      [field: string]: unknown
    }
  }
  class CachePolicy {
    constructor(
      req: CachePolicy.HttpRequest,
      res: CachePolicy.HttpResponse,
      options?: CachePolicy.Options
    )
    now(): number
    storable(): boolean
    evaluateRequest(req: CachePolicy.HttpRequest): CachePolicy.Evaluation
    responseHeaders(): Record<string, string>
    age(): number
    maxAge(): number
    timeToLive(): number
    stale(): boolean
    useStaleWhileRevalidate(): boolean
    revalidationHeaders(req: CachePolicy.HttpRequest): Record<string, string>
    revalidatedPolicy(
      req: CachePolicy.HttpRequest,
      res: CachePolicy.HttpResponse
    ): { policy: CachePolicy; modified: boolean; matches: boolean }
    toObject(): CachePolicy.CachePolicyObject
    static fromObject(obj: CachePolicy.CachePolicyObject): CachePolicy
  }
  export = CachePolicy
}
