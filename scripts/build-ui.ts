// Builds the web UI into dist/ui: index.html, app.js, app.css and favicon.svg, and under chunks/
// what the page loads only when it is used (the recordings player, about as big as the rest of
// the page: a page that plays nothing never loads it). Everything the page loads comes from the
// app itself (no CDN) and nothing is inline, so the server's `Content-Security-Policy:
// default-src 'self'` holds. Prints the gzip size of what a browser loads first.
import { build, type Metafile } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { gzipSync } from 'node:zlib';

export interface UiBuild {
  outdir: string;
  /** bytes of app.js + app.css, raw and gzipped */
  bytes: number;
  gzipBytes: number;
  /** what went into it (the build's third-party notices come from this); its paths are relative to `root` */
  metafile: Metafile;
  root: string;
}

/** the checkout (or installed package) this script is in: the page's sources are found from here, not from the working directory */
const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildUi(outdir = join(root, 'dist/ui'), options: { minify?: boolean } = {}): Promise<UiBuild> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const { metafile } = await build({
    entryPoints: { app: join(root, 'ui/main.tsx') },
    outdir,
    bundle: true,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: options.minify ?? true,
    sourcemap: false,
    legalComments: 'none',
    // xterm's stylesheet and ours end up in app.css next to app.js
    loader: { '.css': 'css' },
    metafile: true,
    // the metafile's paths are relative to this (esbuild's default is the working directory when it was loaded)
    absWorkingDir: root,
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'favicon.svg']) copyFileSync(join(root, 'ui', file), join(outdir, file));
  const assets = ['app.js', 'app.css'].map((name) => readFileSync(join(outdir, name)));
  return {
    outdir,
    bytes: assets.reduce((sum, b) => sum + b.length, 0),
    gzipBytes: assets.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0),
    metafile,
    root,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await buildUi();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`built ${result.outdir}: app.js + app.css ${kib(result.bytes)}, ${kib(result.gzipBytes)} gzipped`);
}
