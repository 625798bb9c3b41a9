// The body of one answer: its text and its non-text parts (code the model ran and its
// result, images, files, function calls and their results) laid out in the order they came,
// and its annotations (citations, sources, search suggestions...) under it. Both views use
// it: StreamView for its one answer, ChatView for each reply.
//
// Each part says where it sits: `at`, the code points of answer text before it. Text before
// a part is one segment, rendered by its own IncrementalRenderer; a part ends the segment,
// so a finished segment is never rendered again and, as before, only the open block of the
// last one re-renders. Nothing touches the page until render(), which the views call once
// per animation frame.
//
// Parts (the kernel's gemini_widgets/answer_parts.py): {kind: 'code', at, language, code},
// {kind: 'code_result', at, outcome, output}, {kind: 'image', at, mime_type, data (base64)},
// {kind: 'file', at, mime_type, uri}, {kind: 'call', at, id, name, args},
// {kind: 'call_result', at, id, name, response, error}. All of it is untrusted: textContent,
// or DOMPurify for highlighted code; an image only as a data: URL of an allowed type.

import { annotationNotes, endsIn, placeCitations } from './grounding.js';
import { cardFor, make } from './part_cards.js';
import { IncrementalRenderer } from './render.js';
import { codePoints, utf16Index } from './streamed_text.js';

export class AnswerBody {
  #container;
  #document;
  #notes;
  #segments = []; // {node, renderer, start, points}; the last one may be open
  #open = null; // the segment text goes to, until a part ends it
  #points = 0; // code points of text so far
  #attach = []; // nodes made since the last render, in order
  #dirtySegments = new Set();
  #dirtyCards = new Set();
  #calls = []; // call cards still waiting for their result, in order
  #codeRun = null; // the last code card, while no text followed it (its result goes in it)
  #annotations = null;
  #annotationsChanged = false;
  #entry = {}; // the Search Suggestions frame shown and its HTML, kept while unchanged
  #status = '';
  #cleared = false;
  #decorate;

  /**
   * `decorate(node)`, if given, sees each new block of text and each card once when it is
   * (re)built, before it is shown: the views add Copy buttons to code there.
   */
  constructor(container, { document = container.ownerDocument, decorate = null } = {}) {
    this.#container = container;
    this.#document = document;
    this.#decorate = decorate;
    container.classList.add('gw-answer');
    this.#notes = make(document, 'div', 'gw-notes');
    this.#notes.hidden = true;
    container.replaceChildren(this.#notes);
  }

  /**
   * Queue new text and the parts that came with it (in order): the text up to each
   * part's `at` goes before the part, the rest after. Nothing touches the DOM until render().
   */
  append(text = '', parts = []) {
    let rest = text || '';
    for (const part of parts || []) {
      const before = Number.isInteger(part?.at) ? part.at - this.#points : 0;
      if (before > 0 && rest) {
        const cut = utf16Index(rest, before);
        this.#appendText(rest.slice(0, cut));
        rest = rest.slice(cut);
      }
      this.#appendPart(part);
    }
    this.#appendText(rest);
  }

  /** Whether queued text waits for another render() (see its maxChars). */
  get pending() {
    return this.#dirtySegments.size > 0;
  }

  /** Replace the answer's annotations (grounding, fetched URLs, citations); null for none. */
  annotate(annotations) {
    this.#annotations = annotations ?? null;
    this.#annotationsChanged = true;
  }

  /**
   * The answer's status ('streaming', 'done', 'error'...): a call with no result is
   * pending while the answer streams, and "not called" once it is done (automatic function
   * calling off: the calls are the caller's to answer).
   */
  setStatus(status) {
    if (status === this.#status) return;
    this.#status = status;
    for (const card of this.#calls) this.#dirtyCards.add(card);
  }

  /** Start over with a whole answer (a snapshot, a finished turn); call render() to show it. */
  reset(text = '', parts = [], annotations = null) {
    this.#segments = [];
    this.#open = null;
    this.#points = 0;
    this.#attach = [];
    this.#dirtySegments.clear();
    this.#dirtyCards.clear();
    this.#calls = [];
    this.#codeRun = null;
    this.#cleared = true;
    this.append(text, parts);
    this.annotate(annotations);
  }

  /**
   * Apply what was queued to the DOM. Returns false when there was nothing to do.
   * `maxChars` bounds the new text each segment takes in (IncrementalRenderer.render);
   * `pending` then says whether to call again on the next frame.
   */
  render({ maxChars = Infinity } = {}) {
    let changed = false;
    if (this.#cleared) {
      this.#container.replaceChildren(this.#notes);
      this.#cleared = false;
      changed = true;
    }
    if (this.#attach.length) {
      const fragment = this.#document.createDocumentFragment();
      for (const node of this.#attach) fragment.append(node);
      this.#container.insertBefore(fragment, this.#notes);
      this.#attach = [];
      changed = true;
    }
    for (const card of this.#dirtyCards) {
      card.update(this.#status);
      this.#decorate?.(card.node);
    }
    changed ||= this.#dirtyCards.size > 0;
    this.#dirtyCards.clear();
    const rendered = [];
    for (const segment of this.#dirtySegments) {
      if (segment.renderer.render({ maxChars })) rendered.push(segment);
      if (!segment.renderer.pending) this.#dirtySegments.delete(segment);
    }
    if (this.#annotationsChanged) {
      this.#annotationsChanged = false;
      this.#showNotes();
      for (const segment of this.#segments) this.#placeCitations(segment);
      changed = true;
    } else {
      // A segment that re-rendered lost the markers in its open block.
      for (const segment of rendered) if (endsIn(segment, this.#annotations)) this.#placeCitations(segment);
    }
    return changed || rendered.length > 0;
  }

  #appendText(text) {
    if (!text) return;
    if (!this.#open) {
      const node = make(this.#document, 'div', 'gw-segment');
      const renderer = new IncrementalRenderer(node, { document: this.#document, decorate: this.#decorate });
      this.#open = { node, renderer, start: this.#points, points: 0 };
      this.#segments.push(this.#open);
      this.#attach.push(node);
    }
    const points = codePoints(text);
    this.#open.renderer.append(text);
    this.#open.points += points;
    this.#points += points;
    this.#dirtySegments.add(this.#open);
    if (/\S/.test(text)) this.#codeRun = null;
  }

  #appendPart(part) {
    this.#open = null;
    const kind = part?.kind;
    if (kind === 'code_result' && this.#codeRun) {
      this.#codeRun.result = part;
      this.#dirtyCards.add(this.#codeRun);
      this.#codeRun = null;
      return;
    }
    if (kind === 'call_result') {
      const call = this.#takeCall(part);
      if (call) {
        call.result = part;
        this.#dirtyCards.add(call);
        return;
      }
    }
    const card = cardFor(this.#document, part);
    this.#attach.push(card.node);
    this.#dirtyCards.add(card);
    if (kind === 'code') this.#codeRun = card;
    if (kind === 'call') this.#calls.push(card);
  }

  // The call `result` answers: the one with its id when both have one, else the earliest
  // unanswered call of that name (as the SDK pairs them).
  #takeCall(result) {
    const answers = (card) => (card.call.id && result.id ? card.call.id === result.id : card.call.name === result.name);
    const index = this.#calls.findIndex(answers);
    return index < 0 ? null : this.#calls.splice(index, 1)[0];
  }

  #showNotes() {
    const notes = annotationNotes(this.#document, this.#annotations, this.#entry);
    this.#notes.replaceChildren(...(notes || []));
    this.#notes.hidden = !notes;
    const frame = this.#notes.querySelector('iframe.gw-search-entry');
    this.#entry = frame ? { html: this.#annotations.search_entry_point, frame } : {};
  }

  #placeCitations(segment) {
    const { renderer } = segment;
    const source = renderer.shownText;
    // While text waits for another render, markers go only where text is shown.
    const points = renderer.pending ? codePoints(source) : segment.points;
    placeCitations({ ...segment, source, points }, this.#annotations);
  }
}

/** `data:` URL of an image part, or null unless its type is allowed and its data base64. */
