/**
 * Where the Fastly build reads what is not in the bundled config: secrets from a Fastly
 * Secret Store, deployment settings from a Config Store, and Compute's environment. Every
 * read tolerates a missing store, so a service without the optional config store still runs
 * on defaults. Only usable while handling a request: js-compute 3.46 refuses store access
 * during build-time (wizer) initialization.
 * @module
 */
import { ConfigStore } from 'fastly:config-store'
import { env } from 'fastly:env'
import { SecretStore } from 'fastly:secret-store'
import type { FastlyStores } from './settings.ts'

/** Secret Store holding every `{ "env": NAME }` secret of the config, plus the API token. */
export const SECRET_STORE = 'gripgate_secrets'
/** Optional Config Store with the deployment settings (`settings.ts`). */
export const CONFIG_STORE = 'gripgate_config'

/** The stores of the running Fastly service. */
export function fastlyStores(): FastlyStores {
  let secrets: SecretStore | null | undefined
  let settings: ConfigStore | null | undefined
  return {
    async secret(name) {
      // The constructor throws a TypeError when the service has no store of that name.
      if (secrets === undefined) secrets = attempt(() => new SecretStore(SECRET_STORE))
      const entry = secrets ? await secrets.get(name) : null
      return entry?.plaintext() ?? undefined
    },
    setting(name) {
      if (settings === undefined) settings = attempt(() => new ConfigStore(CONFIG_STORE))
      return settings?.get(name) ?? undefined
    },
    env: (name) => env(name) || undefined,
  }
}

function attempt<T>(make: () => T): T | null {
  try {
    return make()
  } catch {
    return null
  }
}
