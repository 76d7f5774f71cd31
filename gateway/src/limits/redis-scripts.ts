// The Lua twins of token-bucket.ts and the budget counters. A script runs atomically in Redis, so
// every replica's check-then-take on all of a request's counters is one indivisible step: two
// replicas can never both take the last unit. Numbers come back as strings because Redis truncates
// Lua floats to integers in replies. The clock is the caller's (ARGV[1]) so the script stays
// deterministic; replicas run NTP, and a bucket never refills backwards (elapsed is clamped at 0).
// Reference: https://redis.io/docs/latest/develop/interact/programmability/eval-intro/

/** KEYS: one per check. ARGV: now, then per check: kind (r|b), limit, cost. */
export const ADMIT_SCRIPT = `
local now = tonumber(ARGV[1])
local levels = {}
local passed = {}
local all = 1
for i = 1, #KEYS do
  local kind = ARGV[3 * i - 1]
  local limit = tonumber(ARGV[3 * i])
  local cost = tonumber(ARGV[3 * i + 1])
  if kind == 'r' then
    local state = redis.call('HMGET', KEYS[i], 'l', 't')
    local level = limit
    if state[1] then
      local elapsed = math.max(0, now - tonumber(state[2]))
      level = math.min(limit, tonumber(state[1]) + elapsed * limit / 60000)
    end
    levels[i] = level
    passed[i] = (level >= math.min(cost, limit) and level > 0) and 1 or 0
  else
    local used = tonumber(redis.call('GET', KEYS[i]) or '0')
    levels[i] = used
    passed[i] = (used < limit) and 1 or 0
  end
  if passed[i] == 0 then all = 0 end
end
local reply = { all }
for i = 1, #KEYS do
  local kind = ARGV[3 * i - 1]
  local limit = tonumber(ARGV[3 * i])
  local cost = tonumber(ARGV[3 * i + 1])
  local level = levels[i]
  if all == 1 and kind == 'r' then
    level = math.min(limit, level - cost)
    redis.call('HSET', KEYS[i], 'l', tostring(level), 't', tostring(now))
    redis.call('PEXPIRE', KEYS[i], math.ceil((limit - level) * 60000 / limit) + 1000)
  end
  reply[#reply + 1] = passed[i]
  reply[#reply + 1] = tostring(level)
end
return reply
`

/** KEYS: one per settlement. ARGV: now, then per key: kind (r|b), limit, delta, ttl ms (budgets). */
export const SETTLE_SCRIPT = `
local now = tonumber(ARGV[1])
for i = 1, #KEYS do
  local kind = ARGV[4 * i - 2]
  local limit = tonumber(ARGV[4 * i - 1])
  local delta = tonumber(ARGV[4 * i])
  if kind == 'r' then
    local state = redis.call('HMGET', KEYS[i], 'l', 't')
    local level = limit
    if state[1] then
      local elapsed = math.max(0, now - tonumber(state[2]))
      level = math.min(limit, tonumber(state[1]) + elapsed * limit / 60000)
    end
    level = math.min(limit, level - delta)
    redis.call('HSET', KEYS[i], 'l', tostring(level), 't', tostring(now))
    redis.call('PEXPIRE', KEYS[i], math.ceil((limit - level) * 60000 / limit) + 1000)
  else
    redis.call('INCRBYFLOAT', KEYS[i], tostring(delta))
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[4 * i + 1]))
  end
end
return #KEYS
`

/** KEYS: the replica set. ARGV: now, this replica's id, how long a silent replica still counts. */
export const HEARTBEAT_SCRIPT = `
local now = tonumber(ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return redis.call('ZCARD', KEYS[1])
`
