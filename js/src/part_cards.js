// The cards an answer's non-text parts are shown as, built from untrusted data with
// textContent (or DOMPurify for highlighted code): code the model ran and its outcome, images
// (a data: URL of an allowed type only), files, function calls and their results. AnswerBody
// (answer_parts.js) places them.

import { highlightCode } from './markdown.js';
import { createSanitizer } from './sanitize.js';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const OUTCOMES = {
  OUTCOME_OK: 'ok',
  OUTCOME_FAILED: 'failed',
  OUTCOME_DEADLINE_EXCEEDED: 'deadline exceeded',
};
// Arguments this short are shown in the call's title line; longer ones below it.
const INLINE_ARGS = 60;

export function imageDataUrl(mimeType, data) {
  const type = typeof mimeType === 'string' ? mimeType.trim().toLowerCase() : '';
  if (!IMAGE_TYPES.has(type) || typeof data !== 'string' || data.length === 0) return null;
  // The kernel may send URL-safe base64 (the SDK's bytes encoding) or unpadded base64.
  let base64 = data.replace(/-/g, '+').replace(/_/g, '/');
  if (base64.length % 4) base64 += '='.repeat(4 - (base64.length % 4));
  if (base64.length % 4 || !BASE64.test(base64)) return null;
  return `data:${type};base64,${base64}`;
}

// ---- cards: {node, update(status)}; update() (re)builds the node's content ---------------

export function cardFor(document, part) {
  switch (part?.kind) {
    case 'code':
      return new CodeRunCard(document, part, null);
    case 'code_result':
      return new CodeRunCard(document, null, part);
    case 'call':
      return new CallCard(document, part, null);
    case 'call_result':
      return new CallCard(document, null, part);
    case 'image':
      return fixedCard(imageNode(document, part));
    case 'file':
      return fixedCard(make(document, 'div', 'gw-part gw-file', fileLine(part)));
    default:
      return fixedCard(make(document, 'div', 'gw-part gw-file', `A part of kind ${JSON.stringify(String(part?.kind))} is not shown.`));
  }
}

function fixedCard(node) {
  return { node, update() {} };
}

/** Code the model ran and, below it, what running it gave. */
class CodeRunCard {
  constructor(document, code, result) {
    this.document = document;
    this.code = code;
    this.result = result;
    this.node = make(document, 'div', 'gw-part gw-code-run');
  }

  update() {
    const { document, code, result } = this;
    this.node.replaceChildren();
    if (code) {
      const language = typeof code.language === 'string' ? code.language.toLowerCase() : '';
      const label = make(document, 'div', 'gw-part-label', 'Code the model ran');
      if (language && language !== 'language_unspecified') label.append(' ', make(document, 'span', 'gw-tag', language));
      this.node.append(label, codeBlock(document, String(code.code ?? ''), language));
    }
    if (result) {
      const outcome = outcomeWord(result.outcome);
      const label = make(document, 'div', 'gw-part-label', 'Output');
      const badge = make(document, 'span', 'gw-tag gw-outcome', outcome);
      badge.dataset.outcome = outcome;
      label.append(' ', badge);
      this.node.dataset.outcome = outcome;
      this.node.append(label);
      const output = String(result.output ?? '');
      if (output) {
        const pre = make(document, 'pre', 'gw-output');
        pre.textContent = output;
        this.node.append(pre);
      }
    }
  }
}

/** "calling name(args)" until its result comes; then the result, or the error. */
class CallCard {
  constructor(document, call, result) {
    this.document = document;
    this.call = call ?? { id: result?.id, name: result?.name, args: undefined };
    this.result = result;
    this.node = make(document, 'div', 'gw-part gw-call');
  }

  update(status) {
    const { document, call, result } = this;
    const state = callState(result, status);
    this.node.dataset.state = state;
    const args = argumentList(call.args);
    const inline = args.length <= INLINE_ARGS ? args : '…';
    const label = make(document, 'div', 'gw-part-label');
    const badge = make(document, 'span', 'gw-tag gw-call-state', CALL_STATES[state]);
    if (state === 'pending') badge.prepend(make(document, 'span', 'gw-spinner'));
    label.append(badge, ' ', make(document, 'code', 'gw-call-name', `${String(call.name ?? '')}(${inline})`));
    this.node.replaceChildren(label);
    if (args.length > INLINE_ARGS) this.node.append(jsonBlock(document, 'gw-call-args', 'arguments', call.args));
    if (state === 'error') {
      this.node.append(make(document, 'div', 'gw-call-error', String(result.error)));
    } else if (state === 'done') {
      this.node.append(jsonBlock(document, 'gw-call-result', 'result', unwrapResult(result.response)));
    }
  }
}

const CALL_STATES = {
  pending: 'calling',
  done: 'called',
  error: 'failed',
  'not-called': 'not called',
  unanswered: 'no result',
};

function callState(result, status) {
  if (result) return result.error != null ? 'error' : 'done';
  if (status === 'done') return 'not-called';
  return status === 'streaming' || status === 'waiting' || status === 'retrying' || !status ? 'pending' : 'unanswered';
}

function codeBlock(document, code, language) {
  const wrapper = make(document, 'div', 'gw-code');
  const pre = make(document, 'pre');
  const element = make(document, 'code');
  const html = /^[a-z0-9_+#.-]+$/.test(language) ? highlightCode(code, language) : '';
  if (html) {
    element.className = `hljs language-${language}`;
    element.append(sanitizerFor(document)(html));
  } else {
    element.textContent = code;
  }
  pre.append(element);
  wrapper.append(pre);
  return wrapper;
}

function jsonBlock(document, className, title, value) {
  const box = make(document, 'div', className);
  const pre = make(document, 'pre');
  pre.title = title;
  pre.textContent = prettyJson(value);
  box.append(pre);
  return box;
}

function imageNode(document, part) {
  const src = imageDataUrl(part.mime_type, part.data);
  if (src === null) {
    return make(document, 'div', 'gw-part gw-file', `Image not shown (${String(part.mime_type ?? 'no type')}): only PNG, JPEG, GIF and WebP data is shown.`);
  }
  const figure = make(document, 'figure', 'gw-part gw-image');
  const img = make(document, 'img');
  img.alt = 'Image from the model';
  img.src = src;
  figure.append(img);
  return figure;
}

function fileLine(part) {
  const type = String(part.mime_type || 'unknown type');
  return part.uri ? `File (${type}): ${String(part.uri)}` : `File (${type})`;
}

function outcomeWord(outcome) {
  if (typeof outcome !== 'string' || !outcome) return 'unknown';
  return OUTCOMES[outcome] ?? outcome.replace(/^OUTCOME_/, '').replace(/_/g, ' ').toLowerCase();
}

// The SDK reports a function's return value as {result: value}.
function unwrapResult(response) {
  if (response && typeof response === 'object' && !Array.isArray(response)) {
    const keys = Object.keys(response);
    if (keys.length === 1 && keys[0] === 'result') return response.result;
  }
  return response;
}

// name="x", n=2: how the call would read in Python.
function argumentList(args) {
  if (args === undefined || args === null) return '';
  if (typeof args !== 'object' || Array.isArray(args)) return prettyJson(args);
  return Object.entries(args).map(([name, value]) => `${name}=${JSON.stringify(value) ?? 'null'}`).join(', ');
}

function prettyJson(value) {
  try {
    return JSON.stringify(value, null, 2) ?? 'null';
  } catch {
    return String(value);
  }
}

export function make(document, tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const sanitizers = new WeakMap();

function sanitizerFor(document) {
  let sanitize = sanitizers.get(document);
  if (!sanitize) sanitizers.set(document, (sanitize = createSanitizer(document.defaultView)));
  return sanitize;
}
