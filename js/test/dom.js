// One jsdom window shared by all tests: the renderer takes its document from the container.
import { JSDOM } from 'jsdom';
import { IncrementalRenderer, blocksHtml, renderMarkdown } from '../src/render.js';

export const { window } = new JSDOM('<!doctype html><html><body></body></html>');
export const { document } = window;

export function render(text) {
  return renderMarkdown(text, { document });
}

/**
 * Stream `text` into a fresh container in the given chunks, calling render() after the
 * chunks whose `renderAfter` flag is set, then once at the end. `onRender(container,
 * textSoFar, renderer)` sees the container after each render.
 */
export function stream(chunks, { renderAfter = () => true, onRender = () => {} } = {}) {
  const container = document.createElement('div');
  const renderer = new IncrementalRenderer(container);
  let soFar = '';
  chunks.forEach((chunk, i) => {
    renderer.append(chunk);
    soFar += chunk;
    if (renderAfter(i) && renderer.render()) onRender(container, soFar, renderer);
  });
  if (renderer.render()) onRender(container, soFar, renderer);
  return { container, renderer, html: blocksHtml(container) };
}

/** Split `text` at the given offsets (any order, duplicates allowed). */
export function splitAt(text, offsets) {
  const cuts = [...new Set(offsets.map((o) => Math.max(0, Math.min(text.length, o))))].sort((a, b) => a - b);
  const chunks = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    chunks.push(text.slice(from, cut));
    from = cut;
  }
  return chunks;
}
