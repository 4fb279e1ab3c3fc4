/**
 * The Lua scripts of the Redis channel history (redis-history-store.ts). One stream per
 * channel; each entry holds `a` (when it was appended, on the gateway's clock, in ms), `i`
 * (the item id, left out when the item has none) and `d` (the item, encoded), in that order.
 * A channel's history is its newest `size` entries appended less than `ttlMs` ago: `MAXLEN ~`
 * trims only whole stream nodes, so a stream may hold a few more entries than that, and the
 * scripts never look past `size`.
 * @module
 */

/**
 * Appends items, each to its channel's stream, under the `HistoryStore` rules: an id already
 * in the history is not kept twice, an id-less item only follows one with an id. Then bounds
 * the stream: `MAXLEN ~ size`; `MINID ~` drops entries older than the TTL plus the slack by
 * Redis's own clock (stream ids are its times); the key expires `ttl + slack` after its last
 * append, so an idle channel keeps nothing. The slack covers the gateways' clock skew.
 *
 * KEYS: one stream per item (repeats allowed), in publish order.
 * ARGV[1]: now (gateway clock, ms); ARGV[2]: slack (ms); then per item five values: size,
 * ttl (ms), `1` when it has an id else `0`, the id, the encoded item.
 * Answers how many items were appended.
 */
export const APPEND_SCRIPT = `
local now = tonumber(ARGV[1])
local slack = tonumber(ARGV[2])
local time = redis.call('TIME')
local serverMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local appended = 0
for k = 1, #KEYS do
  local base = 2 + (k - 1) * 5
  local size = tonumber(ARGV[base + 1])
  local ttl = tonumber(ARGV[base + 2])
  local hasId = ARGV[base + 3] == '1'
  local id = ARGV[base + 4]
  local kept, known = false, false
  for _, entry in ipairs(redis.call('XREVRANGE', KEYS[k], '+', '-', 'COUNT', size)) do
    local f = entry[2]
    if tonumber(f[2]) + ttl <= now then break end
    if f[3] == 'i' then
      kept = true
      if hasId and f[4] == id then
        known = true
        break
      end
    end
  end
  if (hasId and not known) or (not hasId and kept) then
    if hasId then
      redis.call('XADD', KEYS[k], 'MAXLEN', '~', size, '*', 'a', ARGV[1], 'i', id, 'd', ARGV[base + 5])
    else
      redis.call('XADD', KEYS[k], 'MAXLEN', '~', size, '*', 'a', ARGV[1], 'd', ARGV[base + 5])
    end
    redis.call('XTRIM', KEYS[k], 'MINID', '~', string.format('%d', serverMs - ttl - slack))
    redis.call('PEXPIRE', KEYS[k], string.format('%d', ttl + slack))
    appended = appended + 1
  end
end
return appended
`

/**
 * The encoded items after an id, newest first; nil when the id is not in the history (never
 * appended, pushed out of the newest `size`, or expired). Only those items cross the network.
 *
 * KEYS[1]: the channel's stream. ARGV: now (gateway clock, ms), size, ttl (ms), the id.
 */
export const LOOKUP_SCRIPT = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[3])
local after = {}
for _, entry in ipairs(redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', ARGV[2])) do
  local f = entry[2]
  if tonumber(f[2]) + ttl <= now then return false end
  if f[3] == 'i' and f[4] == ARGV[4] then return after end
  after[#after + 1] = f[#f]
end
return false
`
