// Loads the renderer bundle (markdown-it, DOMPurify, highlight.js, KaTeX) that a view's
// shared RendererAssets model carries. anywidget sends a widget's module with every
// instance, so the heavy bundle travels once per kernel in that model and is imported from
// it once per page and version (a Blob URL import, as anywidget itself loads modules).

const loaded = (globalThis.__geminiWidgetsRenderers ??= new Map());

/** The renderer module (exports IncrementalRenderer, renderMarkdown) for a view's model. */
export async function loadRenderer(model) {
  const id = String(model.get('_renderer')).replace(/^IPY_MODEL_/, '');
  const assets = await model.widget_manager.get_model(id);
  const version = assets.get('version');
  if (!loaded.has(version)) {
    loaded.set(version, (async () => {
      const style = document.createElement('style');
      style.dataset.geminiWidgets = version;
      style.textContent = assets.get('css');
      document.head.append(style);
      const url = URL.createObjectURL(new Blob([assets.get('source')], { type: 'text/javascript' }));
      try {
        return await import(/* webpackIgnore: true */ url);
      } finally {
        URL.revokeObjectURL(url);
      }
    })());
  }
  return loaded.get(version);
}
