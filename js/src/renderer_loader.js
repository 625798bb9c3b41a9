// Loads the renderer bundle (markdown-it, DOMPurify, highlight.js, KaTeX). anywidget sends a
// widget's module with every instance, so the heavy bundle travels once per kernel in a
// shared RendererAssets model, which a view reaches through `model.widget_manager.get_model`
// (the one widget-manager call anywidget documents), and is imported once per page and
// version (a Blob URL import, as anywidget itself loads modules). Where the page cannot reach
// that model (a front end that shows each output in a frame of its own, as Colab does, or
// one without `get_model`), the view asks its own kernel object for the bundle instead.
// marimo shows each widget in a shadow root, where the page's styles do not reach: there
// the renderer's stylesheet is adopted into the view's shadow root as well.

import { invoke } from './commands.js';

const loaded = (globalThis.__geminiWidgetsRenderers ??= new Map());
const sheets = (globalThis.__geminiWidgetsSheets ??= new Map());

/** How long a view waits for the shared model before asking for the bundle itself. */
export const ASSETS_PATIENCE_MS = 5000;
const BUNDLE_PATIENCE_MS = 60_000;

function importBundle({ version, source, css }) {
  if (!loaded.has(version)) {
    loaded.set(version, (async () => {
      const style = document.createElement('style');
      style.dataset.geminiWidgets = version;
      style.textContent = css;
      document.head.append(style);
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      try {
        return await import(/* webpackIgnore: true */ url);
      } finally {
        URL.revokeObjectURL(url);
      }
    })());
  }
  return loaded.get(version);
}

async function sharedAssets(model) {
  const id = String(model.get('_renderer')).replace(/^IPY_MODEL_/, '');
  let timer;
  const patience = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('no shared renderer model')), ASSETS_PATIENCE_MS);
  });
  try {
    return await Promise.race([model.widget_manager.get_model(id), patience]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The renderer module (exports AnswerBody, IncrementalRenderer, renderMarkdown) for a view;
 * `root` is the view's element (its styles go into its shadow root, if it has one).
 */
export async function loadRenderer(model, root = null) {
  let bundle;
  try {
    const assets = await sharedAssets(model);
    bundle = { version: assets.get('version'), source: assets.get('source'), css: assets.get('css') };
  } catch {
    [bundle] = await invoke(model, '_renderer_bundle', {}, {
      signal: AbortSignal.timeout(BUNDLE_PATIENCE_MS),
    });
  }
  adoptStyles(root, bundle);
  return importBundle(bundle);
}

// In the document as well (importBundle): @font-face (KaTeX's fonts) applies only from there.
function adoptStyles(root, { version, css }) {
  const shadow = root?.getRootNode?.();
  if (typeof ShadowRoot === 'undefined' || !(shadow instanceof ShadowRoot)) return;
  if (!sheets.has(version)) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    sheets.set(version, sheet);
  }
  const sheet = sheets.get(version);
  if (!shadow.adoptedStyleSheets.includes(sheet)) {
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  }
}
