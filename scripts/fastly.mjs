// `npm run fastly -- <args>`: the Fastly CLI, which is not a dependency of gripgate (29 MB,
// one platform's binary, and `npx fastly` cannot resolve it: the @fastly/cli wrapper lists
// platform packages the registry does not have at 16.1.0). Runs `fastly` from the PATH, else
// the one-off install `npm install --no-save @fastly/cli-linux-x64@16.1.0` (its command is
// named cli-linux-x64), else says how to get it. `--path` prints where it is (or nothing).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const onPath = (process.env.PATH ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'fastly'))
  .find((file) => existsSync(file))
const local = join(root, 'node_modules/@fastly/cli-linux-x64/fastly')
const cli = onPath ?? (existsSync(local) ? local : undefined)

const args = process.argv.slice(2)
if (args[0] === '--path') {
  if (cli) console.log(cli)
  process.exit(0)
}
if (!cli) {
  console.error(`The Fastly CLI is not installed. Either:
  npm install --no-save @fastly/cli-linux-x64@16.1.0   # Linux x64, into this clone only
or install it on your PATH: https://www.fastly.com/documentation/reference/tools/cli/
then run: npm run fastly -- ${args.join(' ') || 'compute deploy'}`)
  process.exit(127)
}
const run = spawnSync(cli, args, { stdio: 'inherit' })
process.exit(run.status ?? 1)
