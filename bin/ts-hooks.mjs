// Module hooks that run gripgate's TypeScript as is (no build step): each `.ts` file is
// stripped of its types by esbuild on load. Not tsx's loader: tsx compiles with esbuild's
// `keepNames`, which defines a `name` property on every function expression as it is created,
// so each closure made per connection or per message costs a 256-byte property store and a
// defineProperty call (issue #8's heap profile: six such closures per held connection).
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context)
  const file = fileURLToPath(url)
  const { code } = await transform(await readFile(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    // Syntax lowered to what this Node runs, and imports kept as written (tsconfig's
    // verbatimModuleSyntax), as tsx would.
    target: `node${process.versions.node}`,
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
    sourcefile: file,
    sourcemap: 'inline',
    sourcesContent: false,
  })
  return { format: 'module', source: code, shortCircuit: true }
}
