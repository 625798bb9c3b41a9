// An answer's annotations: citation markers in its text, and the notes under it (search
// queries, numbered sources, Google's Search Suggestions chip, fetched URLs, quoted
// sources). Everything here comes from the model or from search: text goes in as
// textContent, links only to http(s), and the one piece of provided HTML (the chip) goes
// into a sandboxed frame that cannot run script or fetch anything.
//
// Annotations (all keys optional): {queries: [str], sources: [{title, uri, domain}],
// supports: [{start, end, sources: [int]}], search_entry_point: str, urls: [{url,
// status}], citations: [{start, end, uri, title, license}]}. Offsets are code points
// into the answer text (Python `str` indexes).

import { createSearchEntrySanitizer } from './sanitize.js';
import { utf16Index } from './streamed_text.js';

// What the chip's frame may do: open links in a new tab (outside the sandbox, so the
// opened page works), nothing else: no script, and an opaque origin.
export const SEARCH_ENTRY_SANDBOX = 'allow-popups allow-popups-to-escape-sandbox';
export const SEARCH_ENTRY_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const LINK_REL = 'noopener noreferrer';
// A marker never goes inside these: it would become part of a link, of code, or of math.
const NO_MARKER_INSIDE = new Set(['a', 'code', 'pre', 'kbd', 'samp']);
const NO_MARKER_CLASSES = ['gw-code', 'katex', 'gw-math'];
// Rendered text that is not in the Markdown source: math, Copy buttons, placeholders, and
// markers from an earlier pass.
const NOT_SOURCE_TEXT = '.katex, .gw-math, button, .gw-blocked-image, .gw-cite';
// How far ahead in the source a rendered character is looked for (markup between two
// characters of text). A character not found this close is one the renderer made (`&lt;`
// shows as `<`) and is left unaligned.
const ALIGN_WINDOW = 4096;
// Source text that never shows as text: a link's or image's destination, an HTML tag, a
// code fence's opening line (its info string). Blanked out (same length, so offsets stay)
// before aligning, or a `.` after a link would match the `.` in its URL.
const UNSHOWN_SOURCE = /\]\([^)\n]*\)|<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>\n]*)?\/?>|^ {0,3}(?:`{3,}|~{3,})[^\n]*/gm;

/**
 * Put citation markers ([1], [2]: superscript links to the sources) at the end of each
 * supported span that ends in `segment`: {node, source (its Markdown), start (code points
 * of answer text before it), points (its length in code points)}. Markers from an earlier
 * call are removed first, so this can run again after the segment re-rendered.
 */
export function placeCitations(segment, annotations) {
  for (const old of segment.node.querySelectorAll('.gw-cite')) old.remove();
  const ends = supportEnds(segment, annotations);
  if (ends.length === 0) return;
  const sources = annotations.sources || [];
  const groups = anchorsFor(segment.node, segment.source, ends);
  const document = segment.node.ownerDocument;
  // Last to first, so splitting a text node leaves the offsets before it valid.
  for (const { anchor, indexes } of groups.reverse()) {
    const marker = citationMarker(document, indexes, sources);
    if (!marker.childNodes.length) continue;
    if (anchor.inside) anchor.inside.append(marker);
    else if (anchor.after) anchor.after.after(marker);
    else if (anchor.offset >= anchor.node.data.length) anchor.node.after(marker);
    else anchor.node.splitText(anchor.offset).before(marker);
  }
}

/** Whether any supported span ends in `segment` (then placeCitations has work to do). */
export function endsIn(segment, annotations) {
  return (annotations?.supports || []).some((s) => s.end > segment.start && s.end <= segment.start + segment.points);
}

/** The notes under an answer, or null when the annotations hold nothing to show. */
export function annotationNotes(document, annotations, reuse = {}) {
  // `reuse`: {html, frame} of the chip shown so far, kept when the HTML is the same.
  if (!annotations) return null;
  const el = (tag, className, text) => make(document, tag, className, text);
  const notes = [];
  const queries = (annotations.queries || []).filter((q) => typeof q === 'string' && q);
  if (queries.length) {
    const line = el('div', 'gw-queries', 'Searched for: ');
    queries.forEach((query, i) => {
      if (i) line.append(' · ');
      line.append(el('q', null, query));
    });
    notes.push(line);
  }
  const sources = annotations.sources || [];
  if (sources.length) {
    const list = el('ol', 'gw-source-list');
    for (const source of sources) {
      const item = el('li');
      item.append(link(document, source?.uri, sourceTitle(source)));
      if (source?.domain && source.domain !== sourceTitle(source)) {
        item.append(' ', el('span', 'gw-domain', String(source.domain)));
      }
      list.append(item);
    }
    notes.push(titled(document, 'gw-sources', 'Sources', list));
  }
  const entry = annotations.search_entry_point;
  if (typeof entry === 'string' && entry.trim()) {
    notes.push(reuse.html === entry && reuse.frame ? reuse.frame : searchEntryFrame(document, entry));
  }
  const urls = annotations.urls || [];
  if (urls.length) {
    const list = el('ul', 'gw-url-list');
    for (const fetched of urls) {
      const status = urlStatus(fetched?.status);
      const item = el('li');
      item.append(link(document, fetched?.url, String(fetched?.url ?? '')));
      if (status) {
        const badge = el('span', 'gw-url-status', status);
        badge.dataset.status = status;
        item.append(' ', badge);
      }
      list.append(item);
    }
    notes.push(titled(document, 'gw-urls', 'Fetched URLs', list));
  }
  const citations = annotations.citations || [];
  if (citations.length) {
    const list = el('ul', 'gw-citation-list');
    for (const citation of citations) {
      const item = el('li');
      item.append(link(document, citation?.uri, String(citation?.title || citation?.uri || 'unnamed source')));
      if (citation?.license) item.append(' ', el('span', 'gw-license', `(${citation.license})`));
      list.append(item);
    }
    notes.push(titled(document, 'gw-citations', 'Sources quoted', list));
  }
  return notes.length ? notes : null;
}

/**
 * Google's Search Suggestions, shown as provided but isolated: a frame with no script, an
 * opaque origin and a CSP that lets nothing load, holding the sanitised HTML.
 */
export function searchEntryFrame(document, html) {
  const frame = document.createElement('iframe');
  frame.className = 'gw-search-entry';
  frame.title = 'Google Search suggestions';
  // Sandbox flags apply when the frame navigates: set them before srcdoc and attaching.
  frame.setAttribute('sandbox', SEARCH_ENTRY_SANDBOX);
  frame.setAttribute('referrerpolicy', 'no-referrer');
  frame.setAttribute('srcdoc', searchEntryDocument(document, html));
  return frame;
}

/** The srcdoc of the Search Suggestions frame. */
export function searchEntryDocument(document, html) {
  return `<meta http-equiv="Content-Security-Policy" content="${SEARCH_ENTRY_CSP}">` +
    '<base target="_blank">' +
    searchEntrySanitizer(document)(html);
}

/** `uri` as an absolute http(s) URL string, or null for anything else. */
export function httpUrl(uri) {
  if (typeof uri !== 'string') return null;
  try {
    const url = new URL(uri.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// ---- where markers go ----------------------------------------------------------------

// [{index (UTF-16, into the segment's source), sources}] of the supports ending in it.
function supportEnds(segment, annotations) {
  const ends = [];
  for (const support of annotations?.supports || []) {
    const end = support?.end;
    if (!Number.isInteger(end) || end <= segment.start || end > segment.start + segment.points) continue;
    const sources = (support.sources || []).filter((i) => Number.isInteger(i) && i >= 0);
    if (sources.length === 0) continue;
    ends.push({ index: utf16Index(segment.source, end - segment.start), sources });
  }
  return ends.sort((a, b) => a.index - b.index);
}

/**
 * Rendered positions of source offsets: each non-blank character of the rendered text is
 * matched to the next equal character of the Markdown source (markup is mostly characters
 * the rendered text leaves out), and a span ending at source offset E gets its marker
 * after the last character that came from before E. A marker that would fall inside a
 * link, code or math goes after that element. Returns [{anchor, indexes}] in document
 * order, anchor being {node, offset} in a text node or {after: element}.
 */
function anchorsFor(root, markdown, ends) {
  const source = markdown.replace(UNSHOWN_SOURCE, (unshown) => '\0'.repeat(unshown.length));
  const found = [];
  let next = 0;
  let last = null; // {node, offset} just after the last aligned character
  let at = 0;
  const walker = textWalker(root);
  for (let node = walker.nextNode(); node && next < ends.length; node = walker.nextNode()) {
    const text = node.data;
    for (let i = 0; i < text.length && next < ends.length; i++) {
      const char = text[i];
      if (char.trim() === '') continue;
      const where = source.indexOf(char, at);
      if (where < 0 || where - at > ALIGN_WINDOW) continue;
      while (next < ends.length && ends[next].index <= where) found.push({ end: ends[next++], at: last });
      last = { node, offset: i + 1 };
      at = where + 1;
    }
  }
  while (next < ends.length) found.push({ end: ends[next++], at: last });
  const groups = [];
  for (const { end, at: position } of found) {
    const anchor = position ? outsideLinksAndCode(root, position) : startOf(root);
    const same = groups.at(-1);
    if (same && sameAnchor(same.anchor, anchor)) same.indexes.push(...end.sources);
    else groups.push({ anchor, indexes: [...end.sources] });
  }
  for (const group of groups) group.indexes = [...new Set(group.indexes)].sort((a, b) => a - b);
  return groups;
}

function textWalker(root) {
  const document = root.ownerDocument;
  const { NodeFilter } = document.defaultView;
  return document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      if (node.nodeType === 3) return NodeFilter.FILTER_ACCEPT;
      return node.matches(NOT_SOURCE_TEXT) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP;
    },
  });
}

function outsideLinksAndCode(root, position) {
  let outermost = null;
  for (let el = position.node.parentElement; el && el !== root; el = el.parentElement) {
    if (NO_MARKER_INSIDE.has(el.localName) || NO_MARKER_CLASSES.some((c) => el.classList.contains(c))) {
      outermost = el;
    }
  }
  return outermost ? { after: outermost } : position;
}

// A span that ends before any rendered character: the marker opens the segment's text.
function startOf(root) {
  const first = textWalker(root).nextNode();
  return first ? { node: first, offset: 0 } : { inside: root };
}

function sameAnchor(a, b) {
  if (a.inside || b.inside) return a.inside === b.inside;
  return a.after ? a.after === b.after : a.node === b.node && a.offset === b.offset;
}

function citationMarker(document, indexes, sources) {
  const marker = make(document, 'sup', 'gw-cite');
  // An index with no source behind it is not a citation: no dangling [100].
  for (const index of indexes.filter((i) => sources[i])) {
    const source = sources[index];
    const item = link(document, source.uri, `[${index + 1}]`);
    item.title = sourceTitle(source);
    marker.append(item);
  }
  return marker;
}

// ---- pieces --------------------------------------------------------------------------

function link(document, uri, text) {
  const href = httpUrl(uri);
  if (href === null) return make(document, 'span', 'gw-not-a-link', text);
  const a = make(document, 'a', null, text);
  a.href = href;
  a.target = '_blank';
  a.rel = LINK_REL;
  return a;
}

function titled(document, className, title, body) {
  const box = make(document, 'div', `gw-note ${className}`);
  box.append(make(document, 'div', 'gw-note-title', title), body);
  return box;
}

function sourceTitle(source) {
  return String(source?.title || source?.domain || source?.uri || 'source');
}

function urlStatus(status) {
  if (typeof status !== 'string') return '';
  return status.replace(/^URL_RETRIEVAL_STATUS_/, '').replace(/_/g, ' ').toLowerCase();
}

function make(document, tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const sanitizers = new WeakMap();

function searchEntrySanitizer(document) {
  let sanitize = sanitizers.get(document);
  if (!sanitize) sanitizers.set(document, (sanitize = createSearchEntrySanitizer(document.defaultView)));
  return sanitize;
}
