// Incremental Markdown rendering for streamed model output. Pure: no anywidget, no
// globals; the DOM comes from the container (or an injected `document`).
//
// The document is a sequence of top-level blocks (markdown-it's level-0 tokens). Every
// block but the last is *committed*: its nodes are appended to the container once and
// never touched again. The last block is *open*: its nodes are replaced on each render,
// and only the text from its first line onwards is parsed again. Both paths render and
// sanitise each block on its own, so
//
//     container.innerHTML === renderMarkdown(text)
//
// holds exactly, whatever the chunking and whenever render() is called, once the group
// wrappers below are unwrapped (`blocksHtml`). Per-block sanitising is also a safety
// property: an unclosed <div> or <table> in model HTML cannot swallow the blocks after it.
//
// Committed blocks go into groups (`<div class="gw-blocks">`, sections of BLOCKS_PER_GROUP
// blocks or more), which
// markdown.css renders with `content-visibility: auto`: a block appended to a 1 MB answer
// makes the browser lay out the last group (which ends with the open blocks), not 5,000
// siblings, and groups scrolled out of view cost no style, layout or paint at all.

import { parseBlocks, renderBlockHtml, lineStarts } from './markdown.js';
import { createSanitizer } from './sanitize.js';

const BLOCKS_PER_GROUP = 32;
const GROUP_CLASS = 'gw-blocks';

/** Sanitised HTML of the whole text, block by block (see the top of this file). */
export function renderMarkdown(text, { document = globalThis.document } = {}) {
  const sanitize = sanitizerFor(document);
  const env = {};
  const scratch = document.createElement('div');
  for (const block of parseBlocks(text, env)) scratch.append(sanitize(renderBlockHtml(block, env)));
  return scratch.innerHTML;
}

/** The blocks' HTML of a renderer's container: its groups unwrapped (renderMarkdown's form). */
export function blocksHtml(container) {
  const document = container.ownerDocument;
  const flat = document.createElement('div');
  for (const node of container.childNodes) {
    const grouped = node.nodeType === 1 && node.classList.contains(GROUP_CLASS);
    flat.append(...[...(grouped ? node.childNodes : [node])].map((n) => n.cloneNode(true)));
  }
  return flat.innerHTML;
}

export class IncrementalRenderer {
  #container;
  #document;
  #sanitize;
  #decorate;
  #group = null; // the last group: committed blocks go to it, and the open blocks end it
  #grouped = 0;
  #lastCommitted = null; // its last committed node
  // Text is kept as committed + open: appending to the open string and slicing it never
  // flattens the whole document, so a render costs O(open block), not O(document).
  #committed = '';
  #open = '';
  #queued = ''; // appended, not yet handed to the parser (render's maxChars)
  #openBlocks = []; // [{html, nodes}] of the open blocks shown, in order
  #dirty = false;

  // Link reference definitions in committed text: markdown-it resolves `[x]` against
  // env.references, and the open part is parsed without the text that defined them.
  #committedRefs = Object.create(null);
  // All definitions (committed + open) that the committed blocks were rendered with.
  #refsSignature = '';
  #stats = {
    renders: 0, // render() calls that had new text
    fullRenders: 0, // of those, how many re-rendered the whole document
    blocksCommitted: 0,
    charsParsed: 0, // total source characters handed to markdown-it
    lastCharsParsed: 0, // ... by the latest render
  };

  /**
   * `decorate(fragment)`, if given, sees every block's nodes once before they are inserted
   * (the open block's on each render, since they are new each time): the views add Copy
   * buttons there, so their cost follows the new nodes, not the document.
   */
  constructor(container, { document = container.ownerDocument, decorate = null } = {}) {
    this.#container = container;
    this.#decorate = decorate;
    // Layout and containment rules of renderer.css (markdown.css) hang on this class.
    container.classList.add('gw-markdown');
    this.#document = document;
    this.#sanitize = sanitizerFor(document);
  }

  /** Queue text; nothing touches the DOM until render(). */
  append(text) {
    if (!text) return;
    this.#queued += text;
  }

  /**
   * Apply queued text. Returns false when there was nothing to do. `maxChars` bounds the
   * new text taken in one call (cut at a line end when it can): a whole answer shown at
   * once (a reopened notebook, a second view) then fills in over a few frames instead of
   * blocking one; `pending` says whether text is left for the next call.
   */
  render({ maxChars = Infinity } = {}) {
    if (!this.#queued && !this.#dirty) return false;
    this.#dirty = false;
    this.#open += this.#takeQueued(maxChars);
    this.#stats.renders += 1;
    const env = { references: Object.create(this.#committedRefs) };
    const blocks = parseBlocks(this.#open, env);
    this.#countParsed(this.#open.length);
    const signature = refsSignature(env.references);
    if (signature !== this.#refsSignature && this.#committed) {
      // A definition appeared, changed or vanished in the open part: committed
      // paragraphs may link differently now. Rare in model output; correctness wins.
      this.#renderEverything();
    } else {
      this.#refsSignature = signature;
      this.#renderOpenPart(blocks, env);
    }
    return true;
  }

  /** Start over with `text` (e.g. a view opened mid-stream); call render() to show it. */
  reset(text = '') {
    this.#committed = '';
    this.#open = '';
    this.#queued = '';
    this.#openBlocks = [];
    this.#committedRefs = Object.create(null);
    this.#refsSignature = '';
    this.#container.replaceChildren();
    this.#group = null;
    this.#dirty = true;
    this.append(text);
  }

  get text() {
    return this.#committed + this.#open + this.#queued;
  }

  /** The text the container shows (without what waits for another render). */
  get shownText() {
    return this.#committed + this.#open;
  }

  /** Whether appended text waits for another render() (see maxChars). */
  get pending() {
    return this.#queued.length > 0;
  }

  get stats() {
    return { ...this.#stats, openChars: this.#open.length };
  }

  #renderOpenPart(blocks, env) {
    const src = this.#open;
    const { count, end } = settledBlocks(src, blocks);
    if (count > 0 && Object.keys(env.references).length > 0) {
      // Definitions made in the text being committed join the committed set.
      const sliceEnv = { references: Object.create(this.#committedRefs) };
      parseBlocks(src.slice(0, end), sliceEnv);
      this.#countParsed(end);
      Object.assign(this.#committedRefs, sliceEnv.references);
    }
    this.#appendBlocks(blocks, count, env);
    this.#committed += src.slice(0, end);
    this.#open = src.slice(end);
    this.#stats.blocksCommitted += count;
  }

  #renderEverything() {
    this.#stats.fullRenders += 1;
    const text = this.#committed + this.#open;
    const env = {};
    const blocks = parseBlocks(text, env);
    const { count, end } = settledBlocks(text, blocks);
    const sliceEnv = { references: Object.create(null) };
    parseBlocks(text.slice(0, end), sliceEnv);
    this.#countParsed(text.length + end);
    this.#committedRefs = sliceEnv.references;
    this.#refsSignature = refsSignature(env.references);
    this.#container.replaceChildren();
    this.#group = null;
    this.#openBlocks = [];
    this.#appendBlocks(blocks, count, env);
    this.#committed = text.slice(0, end);
    this.#open = text.slice(end);
    this.#stats.blocksCommitted = count;
  }

  #takeQueued(maxChars) {
    let cut = this.#queued.length;
    if (cut > maxChars) {
      const lineEnd = this.#queued.lastIndexOf('\n', maxChars);
      cut = lineEnd > 0 ? lineEnd + 1 : maxChars;
      const code = this.#queued.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // not between a surrogate pair
    }
    const taken = this.#queued.slice(0, cut);
    this.#queued = this.#queued.slice(cut);
    return taken;
  }

  // Blocks [0, count) are committed; the rest are open and remembered for replacement.
  // A block whose HTML is what the same block showed last time keeps its nodes: the open
  // part is usually two or three blocks of which only the last grows, and sanitising
  // (DOMPurify parses the HTML into a document) was most of a frame's script time.
  #appendBlocks(blocks, count, env) {
    const previous = this.#openBlocks;
    const entries = blocks.map((block, i) => {
      const html = renderBlockHtml(block, env);
      if (previous[i]?.html === html) return previous[i];
      const fragment = this.#sanitize(html);
      const entry = { html, nodes: [...fragment.childNodes], fresh: fragment };
      return entry;
    });
    const kept = new Set(entries);
    for (const entry of previous) if (!kept.has(entry)) for (const node of entry.nodes) node.remove();
    if (!this.#group) this.#newGroup();
    this.#commit(entries.slice(0, count));
    this.#openBlocks = entries.slice(count);
    // The open blocks end the last group, in order (a block and the next stay siblings);
    // kept ones move only if out of place.
    const group = this.#group;
    let prev = this.#lastCommitted;
    for (const entry of this.#openBlocks) {
      if (entry.fresh) this.#decorate?.(entry.fresh);
      entry.fresh = null;
      for (const node of entry.nodes) {
        const next = prev ? prev.nextSibling : group.firstChild;
        if (next !== node) group.insertBefore(node, next);
        prev = node;
      }
    }
  }

  #newGroup() {
    const group = this.#document.createElement('div');
    group.className = GROUP_CLASS;
    this.#container.insertBefore(group, this.#group ? this.#group.nextSibling : this.#container.firstChild);
    this.#group = group;
    this.#grouped = 0;
    this.#lastCommitted = null;
  }

  // Committed blocks fill the last group, then new ones; a full group is never touched
  // again. A group ends before a heading once it holds BLOCKS_PER_GROUP blocks, so groups
  // are sections: their edges (where margins do not collapse) fall where space is wanted,
  // and a code block or a list keeps the paragraph after it as its sibling.
  #commit(entries) {
    let batch = null;
    for (const entry of entries) {
      const heading = /^h[1-6]$/.test(entry.nodes[0]?.localName ?? '');
      if ((this.#grouped >= BLOCKS_PER_GROUP && heading) || this.#grouped >= 4 * BLOCKS_PER_GROUP) {
        this.#appendCommitted(batch);
        this.#newGroup();
        batch = null;
      }
      if (entry.fresh) this.#decorate?.(entry.fresh);
      entry.fresh = null;
      batch ??= this.#document.createDocumentFragment();
      batch.append(...entry.nodes);
      this.#grouped += 1;
    }
    this.#appendCommitted(batch);
  }

  // After the group's committed nodes (open nodes of the last render may follow them).
  #appendCommitted(batch) {
    if (!batch || !batch.lastChild) return;
    const last = batch.lastChild;
    this.#group.insertBefore(batch, this.#lastCommitted ? this.#lastCommitted.nextSibling : this.#group.firstChild);
    this.#lastCommitted = last;
  }

  #countParsed(chars) {
    this.#stats.charsParsed += chars;
    this.#stats.lastCharsParsed = chars;
  }
}

/**
 * How many leading blocks of `src` can no longer change, and the offset where the
 * first unsettled one starts. Normally all but the last block: CommonMark block
 * structure is decided line by line, so appending text only affects the last block.
 * Two exceptions: the line a block starts on must be final (below), and display math
 * (markdown.js): a `$$` or `\[` can still pair with a closer on a later line until a
 * blank line ends it, so a block holding one stays open while no blank line follows it.
 */
function settledBlocks(src, blocks) {
  if (blocks.length < 2) return { count: 0, end: 0 };
  const starts = lineStarts(src);
  const lastBlank = lastBlankLine(src);
  let count = blocks.length - 1;
  for (;;) {
    // Whether line L starts a block or continues the one before (a lazy line, `#` vs
    // `#x`, `*` vs `**`) is decided by line L and, for a table, line L+1: both must be
    // complete before the blocks above L are final.
    while (count > 0 && blocks[count].line + 2 >= starts.length) count -= 1;
    if (count === 0) break;
    const end = starts[blocks[count].line];
    const opener = Math.max(src.lastIndexOf('$$', end - 2), src.lastIndexOf('\\[', end - 2));
    if (opener < 0 || opener < lastBlank) break;
    while (count > 0 && starts[blocks[count].line] > opener) count -= 1;
  }
  return { count, end: count > 0 ? starts[blocks[count].line] : 0 };
}

// Offset of the last complete blank line (a line break, spaces or tabs, a line break).
function lastBlankLine(src) {
  const blank = /(?:\r\n?|\n)[ \t]*(?=\r|\n)/g;
  let last = -1;
  for (let m = blank.exec(src); m !== null; m = blank.exec(src)) last = m.index;
  return last;
}

function refsSignature(references) {
  const labels = [];
  for (const label in references) labels.push(label); // own and committed (prototype)
  if (labels.length === 0) return '';
  labels.sort();
  return JSON.stringify(labels.map((l) => [l, references[l].href, references[l].title]));
}

const sanitizers = new WeakMap();

function sanitizerFor(document) {
  let sanitize = sanitizers.get(document);
  if (!sanitize) {
    sanitize = createSanitizer(document.defaultView);
    sanitizers.set(document, sanitize);
  }
  return sanitize;
}
