// The committed bundle is what the wheel ships: it must be a build of these sources.
// (Rebuild with `npm run build` after changing src/.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { document, render } from './dom.js';

const bundleUrl = new URL('../../gemini_widgets/static/renderer.js', import.meta.url);

test('the shipped renderer bundle renders like the sources and holds one KaTeX', async () => {
  const bundle = await import(bundleUrl);
  const text = '# T\n\n$x^2$ and \\(y\\)\n\n```js\nlet a = 1;\n```\n\n| a |\n|---|\n| 1 |\n\n<img src=x onerror=alert(1)>';
  assert.equal(bundle.renderMarkdown(text, { document }), render(text));
  const container = document.createElement('div');
  const renderer = new bundle.IncrementalRenderer(container);
  renderer.append(text);
  assert.equal(renderer.render(), true);
  assert.equal(bundle.blocksHtml(container), render(text));
  const source = readFileSync(bundleUrl, 'utf8');
  assert.equal(source.split('KaTeX parse error').length - 1, 1, 'KaTeX bundled twice');
});
