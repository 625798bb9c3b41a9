// DOMPurify, configured for untrusted model output that must keep KaTeX and highlight.js.
// One DOMPurify instance per window (hooks are per instance); render.js injects it.

import createDOMPurify from 'dompurify';

// DOMPurify's defaults already drop <script>, event handlers, javascript: URLs,
// <foreignObject> and clobbering ids. On top of that:
const CONFIG = Object.freeze({
  // No forms (phishing look-alikes), no embedded documents or media, and no <style>:
  // a <style> element in an output restyles all of JupyterLab, not just this output.
  FORBID_TAGS: [
    'style', 'link', 'meta', 'base', 'template', 'slot',
    'form', 'input', 'button', 'select', 'option', 'optgroup', 'textarea', 'fieldset',
    'datalist', 'output', 'dialog',
    'iframe', 'frame', 'frameset', 'object', 'embed', 'portal',
    'audio', 'video', 'source', 'track',
  ],
  // KaTeX's MathML keeps the TeX source in <semantics><annotation> for screen readers
  // and copy-paste; DOMPurify leaves both out by default. (<annotation-xml>, which can
  // carry HTML, stays out.)
  ADD_TAGS: ['semantics', 'annotation'],
  ADD_ATTR: ['encoding'],
  FORBID_ATTR: ['autofocus', 'formaction', 'ping', 'srcset', 'accesskey', 'tabindex'],
  ALLOW_DATA_ATTR: false,
  // Ids/names get a `user-content-` prefix so model HTML cannot clobber page globals.
  SANITIZE_NAMED_PROPS: true,
  // Absolute http(s), mailto and in-page anchors only. Relative URLs would resolve
  // against the Jupyter server (`<img src="/logout">` is an authenticated GET); model
  // text has no files of ours to point to. data: stays allowed for <img> (DOMPurify's
  // DATA_URI_TAGS), where it cannot run script.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  RETURN_DOM_FRAGMENT: true,
});

// KaTeX lays formulas out with inline styles, and markdown-it aligns table cells with
// text-align, so the style attribute has to stay. It is filtered to the properties
// those two emit, with values that cannot load anything (no url(), image-set(), var()…).
// Geometry tricks (negative margins, position:absolute) are clipped by the container's
// `contain: content` in render.css, not here.
const STYLE_PROPERTIES = new Set([
  'text-align', 'vertical-align', 'color', 'background-color',
  'height', 'width', 'min-width', 'max-width', 'top', 'bottom', 'left', 'right',
  'margin', 'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'padding-left',
  'border-color', 'border-style', 'border-width', 'border-top-width', 'border-bottom-width',
  'border-right-width', 'border-right-style', 'position',
]);
// No quotes, backslash escapes, colons or @: numbers, units, words and calc()/rgb().
const STYLE_VALUE_CHARS = /^[#\w\s.,%+*\/()-]*$/;
const SAFE_POSITIONS = new Set(['relative', 'absolute', 'static']);

export function createSanitizer(window) {
  const purify = createDOMPurify(window);
  // A persistent config: passing it per call makes DOMPurify rebuild its allow-lists
  // on every sanitize, which cost more than the sanitising itself on short blocks.
  purify.setConfig(CONFIG);
  // One afterSanitizeAttributes hook: an uponSanitizeAttribute hook would make DOMPurify
  // copy its attribute allow-list on every call (≈2x slower on short blocks).
  purify.addHook('afterSanitizeAttributes', (node) => {
    const style = node.getAttribute?.('style');
    if (style != null) {
      const kept = filterStyle(style);
      if (kept) node.setAttribute('style', kept);
      else node.removeAttribute('style');
    }
    // Links open outside the notebook, and the opened page gets no handle on it.
    if (node.nodeName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
  });
  /** Sanitised DocumentFragment of an HTML string. */
  return (html) => purify.sanitize(html);
}

function filterStyle(style) {
  const kept = [];
  for (const declaration of style.split(';')) {
    const colon = declaration.indexOf(':');
    if (colon < 0) continue;
    const property = declaration.slice(0, colon).trim().toLowerCase();
    const value = declaration.slice(colon + 1).trim();
    if (!STYLE_PROPERTIES.has(property) || !isSafeValue(value)) continue;
    if (property === 'position' && !SAFE_POSITIONS.has(value.toLowerCase())) continue;
    kept.push(`${property}:${value}`);
  }
  return kept.join(';');
}

function isSafeValue(value) {
  const otherFunctions = value.replace(/\b(?:calc|rgba?)\(/gi, '').includes('(');
  return STYLE_VALUE_CHARS.test(value) && !otherFunctions;
}
