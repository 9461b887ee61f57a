// Builds the command line and the server into dist/cli: plain ES modules with source maps, an
// entry (main.js) and chunks that each command imports when it runs, so `--help` loads a few
// kilobytes and the server never loads the sandbox unless it starts one. The JavaScript
// dependencies are bundled in and tree-shaken (client-node's generated API classes alone take
// most of a second to load as separate modules); node-pty's native binary is not: the sandbox
// finds it in node_modules at run time, so @lydell/node-pty is the package's one dependency.
// Every output file sits directly in dist/cli/, two folders below the package's root as its
// sources are in src/cli/: src/cli/package-files.ts counts on that.
import { build, type Metafile, type Plugin } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';

// CommonJS dependencies call require() for Node's own modules; an ES module has no require.
export const requireShim = "import { createRequire as __octantExecRequire } from 'node:module'; const require = __octantExecRequire(import.meta.url);";

/**
 * client-node's config.js (KubeConfig) takes two names from the index of its generated API, and
 * that index re-exports all of it, so esbuild would put the whole API on every start-up path
 * (about 100 ms; src/adapters/kubernetes/core-api.ts loads it when first used). This hands
 * config.js an index of just those two; a client-node that asks for more fails the build.
 */
const clientNodeGenIndex: Plugin = {
  name: 'client-node-gen-index',
  setup(build) {
    build.onResolve({ filter: /^\.\/gen\/index\.js$/ }, (args) =>
      /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]config\.js$/.test(args.importer) ? { path: args.importer, namespace: 'client-node-gen' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'client-node-gen' }, (args) => ({
      contents: "export { createConfiguration } from './gen/configuration.js';\nexport { ServerConfiguration } from './gen/servers.js';\n",
      resolveDir: dirname(args.path),
    }));
  },
};

export async function buildCli(outdir = 'dist/cli'): Promise<Metafile> {
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: 'src/cli/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    // smaller files parse sooner; names stay (stack traces and libraries that read them)
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none', // the notices are in dist/THIRD-PARTY-NOTICES.txt
    banner: { js: requireShim },
    // optional native helpers of ws: ws works without them, as it does when they are not installed
    external: ['bufferutil', 'utf-8-validate'],
    plugins: [clientNodeGenIndex],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}
