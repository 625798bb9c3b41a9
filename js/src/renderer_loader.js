// Loads the renderer bundle (markdown-it, DOMPurify, highlight.js, KaTeX). anywidget sends a
// widget's module with every instance, so the heavy bundle travels once per kernel in a
// shared RendererAssets model, which a view reaches through `model.widget_manager.get_model`
// (the one widget-manager call anywidget documents), and is imported once per page and
// version (a Blob URL import, as anywidget itself loads modules). Where the page cannot reach
// that model (a front end that shows each output in a frame of its own, as Colab does, or
// one without `get_model`), the view asks its own kernel object for the bundle instead.

const loaded = (globalThis.__geminiWidgetsRenderers ??= new Map());

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

/** The renderer module (exports AnswerBody, IncrementalRenderer, renderMarkdown) for a view. */
export async function loadRenderer(model, experimental) {
  let assets;
  try {
    assets = await sharedAssets(model);
  } catch {
    const [bundle] = await experimental.invoke('_renderer_bundle', {}, {
      signal: AbortSignal.timeout(BUNDLE_PATIENCE_MS),
    });
    return importBundle(bundle);
  }
  const version = assets.get('version');
  if (loaded.has(version)) return loaded.get(version);
  return importBundle({ version, source: assets.get('source'), css: assets.get('css') });
}
