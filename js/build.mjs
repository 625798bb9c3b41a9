// Bundles js/src into gemini_widgets/static (shipped in the wheel): `npm run build`.
// Output is deterministic, so a rebuild from `npm ci` reproduces the committed files;
// test/static.test.js builds into a temporary directory (`node build.mjs DIR`) and checks that;
// benchmarks/_trace.py adds `--sourcemap` to map a profile of the shipped bundle to sources.
import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const SOURCEMAP = args.includes('--sourcemap');
const outDir = args.find((a) => !a.startsWith('--'));
const STATIC = outDir ? `${resolve(outDir)}/` : new URL('../gemini_widgets/static/', import.meta.url).pathname;

// One line per entry point: output name (in static/) -> source.
const SCRIPTS = {
  renderer: 'src/renderer_bundle.js', // the shared renderer bundle (widgets/assets.py)
  stream_view: 'src/stream_view.js',
  chat: 'src/chat.js',
  compare_summary: 'src/compare_summary.js',
};
const STYLES = {
  renderer: 'src/renderer.css', // @imports KaTeX's CSS and the highlight theme
  stream_view: 'src/stream_view.css',
  chat: 'src/chat.css',
  compare_summary: 'src/compare_summary.css',
};

const common = { bundle: true, minify: true, outdir: STATIC, logLevel: 'warning', legalComments: 'eof' };

await esbuild.build({
  ...common,
  entryPoints: SCRIPTS,
  format: 'esm',
  target: 'es2022',
  // markdown-it-texmath require()s katex while render.js imports it: without the alias
  // the bundle holds KaTeX's CommonJS and ES builds side by side (+270 KB).
  alias: { katex: 'katex/dist/katex.mjs' },
  sourcemap: SOURCEMAP,
});

await esbuild.build({
  ...common,
  entryPoints: STYLES,
  // Not minified: the stylesheets stay readable in the browser's inspector, and the
  // fonts are most of the bytes anyway.
  minify: false,
  // anywidget/assets inject the CSS as a <style> text, where relative font URLs resolve
  // against the page, so KaTeX's fonts are inlined. woff2 is enough for every browser
  // JupyterLab supports; the woff/ttf fallbacks would triple the size.
  loader: { '.woff2': 'dataurl', '.woff': 'empty', '.ttf': 'empty' },
});

// The emptied woff/ttf sources would leave `url() format("woff")` behind: drop them.
const rendererCss = `${STATIC}renderer.css`;
writeFileSync(rendererCss, readFileSync(rendererCss, 'utf8').replace(/,\s*url\(\) format\("(?:woff|truetype)"\)/g, ''));

const outputs = [
  ...Object.keys(SCRIPTS).map((n) => `${n}.js`),
  ...Object.keys(STYLES).map((n) => `${n}.css`),
];
for (const name of outputs) {
  const path = STATIC + name;
  const gzip = gzipSync(readFileSync(path)).length;
  console.log(`${name.padEnd(18)} ${kb(statSync(path).size).padStart(9)}  (${kb(gzip)} gzip)`);
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
