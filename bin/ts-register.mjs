// `node --import ./bin/ts-register.mjs file.ts`: runs TypeScript through ts-hooks.mjs.
import { register } from 'node:module'

process.setSourceMapsEnabled(true)
register('./ts-hooks.mjs', import.meta.url)
