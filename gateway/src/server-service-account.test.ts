import { describe, expect, it } from 'vitest'
import { parseServerConfig } from './config.ts'

describe('--service-account-auth', () => {
  it('is off by default, and turned on by the flag or STRATA_SERVICE_ACCOUNT_AUTH=true', () => {
    const base = ['--routes', 'routes.json']
    expect(parseServerConfig(base, {}).serviceAccountAuth).toBe(false)
    expect(parseServerConfig([...base, '--service-account-auth'], {}).serviceAccountAuth).toBe(true)
    expect(
      parseServerConfig(base, { STRATA_SERVICE_ACCOUNT_AUTH: 'true' }).serviceAccountAuth,
    ).toBe(true)
    expect(parseServerConfig(base, { STRATA_SERVICE_ACCOUNT_AUTH: 'yes' }).serviceAccountAuth).toBe(
      false,
    )
  })
})
