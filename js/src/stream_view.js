// anywidget glue for StreamView: kernel messages in, rendered answer out.
//
// The kernel sends each piece of text once ({type: 'delta', at, text}), `at` being the
// piece's offset, and each non-text part once (`parts_at`, `parts`), with the answer's
// annotations whole when they change (streamed_text.js). A per-model store, made in
// `initialize` (when the model is created, before any view), keeps the answer so far: every
// view of the model renders from it, so a second display or a display update shows the
// whole answer without asking the kernel. A model made mid-stream (page reload) or one that
// sees a gap asks for a snapshot (`_snapshot`) and applies the deltas it buffered meanwhile.
// Views render at most once per animation frame, and a long answer whose end is off screen
// at most every OFFSCREEN_RENDER_MS while it streams (view_parts.js).
//
// The renderer bundle (markdown-it, DOMPurify, highlight.js, KaTeX) is not in this module:
// anywidget sends a module with every widget instance, so the bundle travels once per
// kernel in a shared RendererAssets model and is imported from there, cached by version.

import { invoke } from './commands.js';
import { loadRenderer } from './renderer_loader.js';
import { SNAPSHOT_PATIENCE_MS, StreamedText } from './streamed_text.js';
import {
  FRAME_CHARS, LONG_ANSWER_CHARS, OFFSCREEN_RENDER_MS, addCopyButtons, el, formatStats, showRetry,
  stopAnswer, stopHint, thoughtsPanel, watchOnScreen,
} from './view_parts.js';

// Keyed by the widget's `_key` trait, not by the model object: anywidget hands
// `initialize` and each `render` a fresh proxy of the model, so the proxy is no identity.
const stores = (globalThis.__geminiWidgetsStores ??= new Map());

/** One model's answer (text, thoughts, parts, annotations), kept by offset; views subscribe. */
class StreamStore {
  constructor(model) {
    this.model = model;
    this.streamed = new StreamedText();
    this.synced = model.get('status') === 'idle';
    this.buffered = [];
    this.pending = null;
    this.stats = null; // the latest live numbers (delta or snapshot) while the answer streams
    this.views = new Set();
    this.changes = 0; // notify() calls so far: a retired view's DOM is current if none came since
    this.retired = null; // {changes, answer, body, thoughts, thinking} of the last view removed
    model.on('msg:custom', (message) => this.receive(message));
    if (!this.synced) this.resync();
  }

  get text() {
    return this.streamed.text;
  }

  get thoughts() {
    return this.streamed.thoughts;
  }

  get parts() {
    return this.streamed.parts;
  }

  get annotations() {
    return this.streamed.annotations;
  }

  get rows() {
    return this.streamed.rows;
  }

  get rowsFrom() {
    return this.streamed.rowsFrom;
  }

  receive(message) {
    if (message.type === 'reset') {
      this.streamed.reset();
      this.stats = null;
      this.buffered = [];
      this.synced = true;
      this.notify({ reset: true });
    } else if (message.type === 'delta') {
      if (message.stats) this.setStats(message.stats);
      if (!this.synced) this.buffered.push(message);
      else this.apply(message);
    } else if (message.type === 'snapshot' && !this.synced) {
      // The answer whole, sent by a kernel that cannot answer `_snapshot` mid-cell (marimo).
      this.takeSnapshot(message);
    }
  }

  apply(message) {
    const added = this.streamed.apply(message);
    if (added === null) {
      this.buffered.push(message);
      this.resync();
    } else if (added.text || added.thoughts || added.parts.length || 'annotations' in added) {
      this.notify(added);
    }
  }

  /** Ask the kernel for the answer so far; deltas wait until it comes. */
  resync() {
    this.synced = false;
    if (this.pending) return;
    const signal = AbortSignal.timeout(SNAPSHOT_PATIENCE_MS);
    this.pending = invoke(this.model, '_snapshot', {}, { signal }).then(([snapshot]) => {
      this.pending = null;
      this.takeSnapshot(snapshot);
    }, () => {
      this.pending = null; // the kernel went away; a later delta or view tries again
    });
  }

  /** Start again from the answer so far, then apply the deltas that came meanwhile. */
  takeSnapshot(snapshot) {
    this.streamed.reset(
      snapshot.text, snapshot.thoughts, snapshot.parts ?? [], snapshot.annotations ?? null, snapshot.rows ?? [],
      snapshot.rows_from ?? null,
    );
    this.synced = true;
    this.notify({ reset: true });
    // The status line's numbers otherwise come only with the next delta.
    if (snapshot.stats) this.setStats(snapshot.stats);
    const waiting = this.buffered;
    this.buffered = [];
    waiting.forEach((message) => this.apply(message));
  }

  /** Kept as well as sent: a view made after the snapshot came (a reload) shows them too. */
  setStats(stats) {
    this.stats = stats;
    this.notify({ stats });
  }

  notify(change) {
    this.changes += 1;
    for (const view of this.views) view(change);
  }
}

function storeFor(model) {
  const key = model.get('_key');
  let store = stores.get(key);
  if (!store) {
    store = new StreamStore(model);
    stores.set(key, store);
  }
  return store;
}

function initialize({ model }) {
  storeFor(model);
}

async function render({ model, el: root }) {
  const store = storeFor(model);
  root.classList.add('gw-stream');
  const bar = el('div', 'gw-bar');
  const badge = el('span', 'gw-status');
  const stats = el('span', 'gw-stats');
  const finish = el('span', 'gw-finish');
  const backend = el('span', 'gw-backend');
  const stop = el('button', 'gw-button gw-stop', 'Stop');
  stop.type = 'button';
  const proceed = el('button', 'gw-button gw-continue', 'Continue');
  proceed.type = 'button';
  proceed.title = 'Ask the model to go on from where the answer was cut short';
  bar.append(badge, stats, finish, backend, stop, proceed);
  let { node: thoughts, body: thoughtsBody } = thoughtsPanel();
  let body = el('div', 'gw-body jp-RenderedHTMLCommon jp-RenderedMarkdown');
  const notice = el('div', 'gw-notice');
  const error = el('div', 'gw-error');
  error.setAttribute('role', 'alert');
  const hint = el('div', 'gw-hint');
  hint.hidden = true;
  const end = el('div', 'gw-end'); // where the reader would watch the answer grow
  root.append(bar, thoughts, body, notice, error, hint, end);

  let stopCountdown = null;
  function showState() {
    const status = model.get('status');
    root.dataset.status = status;
    badge.textContent = status === 'waiting' || status === 'retrying' ? `${status}…` : status;
    // The trait holds the final numbers; while the answer streams they live in the store.
    const streaming = status === 'waiting' || status === 'retrying' || status === 'streaming';
    const numbers = (streaming && store.stats) || model.get('stats') || {};
    stats.textContent = formatStats(numbers, model.get('model_name'));
    const reason = (model.get('stats') || {}).finish_reason;
    finish.textContent = reason || '';
    finish.hidden = !reason;
    const where = model.get('backend');
    backend.textContent = where;
    backend.hidden = !where;
    backend.classList.toggle('gw-offline', where.startsWith('offline'));
    stop.hidden = !(status === 'waiting' || status === 'retrying' || status === 'streaming');
    proceed.hidden = !model.get('can_continue');
    if (stopCountdown) stopCountdown();
    stopCountdown = null;
    const retry = model.get('retry') || {};
    if (status === 'retrying' && retry.delay != null) {
      stopCountdown = showRetry(notice, retry);
    } else {
      notice.textContent = model.get('notice');
    }
    notice.hidden = !notice.textContent;
    error.textContent = model.get('error');
    error.hidden = !model.get('error');
    if (stop.hidden && proceed.hidden) hint.hidden = true;
  }
  for (const name of [
    'status', 'stats', 'error', 'notice', 'backend', 'model_name', 'retry', 'can_continue',
  ]) {
    model.on(`change:${name}`, showState);
  }
  showState();

  // Changes that arrive while the renderer loads are folded in when it is ready: the store
  // holds the text, so only "something changed" needs remembering.
  let ready = false;
  let answer = null;
  let thinking = null;
  let frame = 0;
  let held = 0; // the timer of a render held while the answer's end is off screen
  let renderedAt = -Infinity;
  let latestStats = null; // shown with the next frame: one DOM write per frame, however many messages
  const onScreen = watchOnScreen(end, () => renderSoon());
  const holdFor = () => {
    const offscreen = !onScreen.onScreen && model.get('status') === 'streaming';
    if (!offscreen || store.text.length < LONG_ANSWER_CHARS) return 0;
    return renderedAt + OFFSCREEN_RENDER_MS - Date.now();
  };
  const showStats = () => {
    if (latestStats) stats.textContent = formatStats(latestStats, model.get('model_name'));
    latestStats = null;
  };
  // While the text is held, the status bar's numbers still move, on a frame of their own.
  let statsFrame = 0;
  const showStatsSoon = () => {
    if (frame || statsFrame || !latestStats) return;
    statsFrame = requestAnimationFrame(() => {
      statsFrame = 0;
      showStats();
    });
  };
  const scheduleRender = () => {
    if (!ready || frame) return;
    if (held) return showStatsSoon();
    const wait = holdFor();
    if (wait > 0) {
      held = setTimeout(() => {
        held = 0;
        scheduleRender();
      }, wait);
      return showStatsSoon();
    }
    frame = requestAnimationFrame(() => {
      frame = 0;
      renderedAt = Date.now();
      showStats();
      answer.setStatus(model.get('status'));
      answer.render({ maxChars: FRAME_CHARS });
      if (thinking.render({ maxChars: FRAME_CHARS })) thoughts.hidden = store.thoughts.length === 0;
      if (answer.pending || thinking.pending) scheduleRender();
    });
  };
  const onChange = (change) => {
    if (change.stats && !ready) stats.textContent = formatStats(change.stats, model.get('model_name'));
    else if (change.stats) latestStats = change.stats;
    if (!ready) return;
    if (change.reset) {
      resetAnswer();
      thinking.reset(store.thoughts);
    } else if (answer.json) {
      if (change.text || change.rows?.length) answer.append(change.text, change.rows, change.rowsFrom);
      if (change.thoughts) thinking.append(change.thoughts);
    } else {
      if (change.text || change.parts?.length) answer.append(change.text, change.parts);
      if ('annotations' in change) answer.annotate(change.annotations);
      if (change.thoughts) thinking.append(change.thoughts);
    }
    scheduleRender();
  };
  /** Render on the next frame, even if a render was held (the end came into view, the stream ended). */
  function renderSoon() {
    clearTimeout(held);
    held = 0;
    scheduleRender();
  }
  store.views.add(onChange);
  // A call with no result reads "calling" while the answer streams, "not called" once done.
  model.on('change:status', renderSoon);

  stop.addEventListener('click', async () => {
    stop.disabled = true;
    const how = await stopAnswer({
      model, command: '_stop_command', background: model.get('background'),
    });
    if (how === 'hint') {
      hint.textContent = stopHint('answer', model.get('interrupt_keeps_view') ?? true);
      hint.hidden = false;
    }
    stop.disabled = false;
  });

  proceed.addEventListener('click', async () => {
    proceed.disabled = true;
    hint.hidden = true;
    try {
      const [reply] = await invoke(model, '_continue_command', {}, {
        signal: AbortSignal.timeout(5000),
      });
      if (reply?.refused) {
        hint.textContent = reply.refused;
        hint.hidden = false;
      }
    } catch {
      hint.textContent = 'The kernel did not answer: is a cell still running?';
      hint.hidden = false;
    } finally {
      proceed.disabled = false;
    }
  });

  const { AnswerBody, IncrementalRenderer, JsonTable } = await loadRenderer(model, root);
  // A JSON answer (answer_format 'json') is a table whose rows appear as they complete.
  const makeAnswer = () => {
    const json = model.get('answer_format') === 'json';
    const made = json ? new JsonTable(body) : new AnswerBody(body, { decorate: addCopyButtons });
    made.json = json;
    return made;
  };
  function resetAnswer() {
    if (answer.json !== (model.get('answer_format') === 'json')) {
      const fresh = el('div', body.className);
      body.replaceWith(fresh);
      body = fresh;
      answer = makeAnswer();
    }
    if (answer.json) answer.reset(store.text, store.rows, store.rowsFrom);
    else answer.reset(store.text, store.parts, store.annotations);
  }
  const retired = store.retired;
  store.retired = null;
  if (retired && retired.changes === store.changes) {
    // JupyterLab replaces the output when the kernel updates the display with the final
    // answer: the new view takes the old one's rendered answer instead of rendering it all
    // again (at 1 MB, seconds of main thread).
    body.replaceWith(retired.body);
    thoughts.replaceWith(retired.thoughts);
    ({ answer, body, thoughts, thinking } = retired);
  } else {
    answer = makeAnswer();
    thinking = new IncrementalRenderer(thoughtsBody);
    resetAnswer();
    thinking.reset(store.thoughts);
  }
  ready = true;
  scheduleRender();

  return () => {
    store.views.delete(onChange);
    onScreen.disconnect();
    clearTimeout(held);
    if (frame) cancelAnimationFrame(frame);
    if (statsFrame) cancelAnimationFrame(statsFrame);
    if (stopCountdown) stopCountdown();
    if (ready) store.retired = { changes: store.changes, answer, body, thoughts, thinking };
  };
}

export default { initialize, render };
