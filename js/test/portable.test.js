// The views run wherever anywidget does (JupyterLab, Notebook 7, VS Code, Colab, marimo,
// Voilà): the modules the wheel ships use anywidget's front-end API and the standard DOM only.
// No JupyterLab or ipywidgets package is bundled, no host's global is read, and the one
// widget-manager call beyond anywidget's documented `get_model` (`kernel.interrupt`, for Stop
// on a running cell) is optional: a host without it gets the hint (see view_parts.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STATIC = fileURLToPath(new URL('../../gemini_widgets/static/', import.meta.url));
const modules = readdirSync(STATIC).filter((name) => name.endsWith('.js'));

const HOST_ONLY = [
  /@jupyterlab\//, /@jupyter-widgets\//, /@lumino\//, /@jupyter-notebook\//, // packages
  /\bjupyterapp\b/, /\bwindow\.jupyter/, /\bIPython\./, /\bJupyter\.notebook/, // host globals
  /google\.colab/, /acquireVsCodeApi/, /\bmarimo\b/,
  /\brequire\(/, /\bdefine\(\[/, // AMD / CommonJS loaders some hosts have and others not
];

test('the shipped modules name no host package or global', () => {
  assert.ok(modules.length >= 3, modules.join(', '));
  for (const name of modules) {
    const source = readFileSync(join(STATIC, name), 'utf8');
    for (const pattern of HOST_ONLY) {
      assert.equal(pattern.exec(source), null, `${name} uses ${pattern}`);
    }
  }
});

test('the widget manager is used only for get_model and an optional interrupt', () => {
  for (const name of modules) {
    const source = readFileSync(join(STATIC, name), 'utf8');
    const uses = [...source.matchAll(/widget_manager\??\.(\w+)/g)].map((match) => match[1]);
    assert.deepEqual([...new Set(uses)].filter((use) => use !== 'get_model' && use !== 'kernel'), [], name);
    if (uses.includes('kernel')) {
      assert.match(source, /widget_manager\?\.kernel/, `${name}: the kernel handle must be optional`);
    }
  }
});
