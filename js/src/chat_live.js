// The reply being written in a ChatView: a bubble at the end of the log, the delta messages
// applied by offset as in StreamView (a gap asks the kernel for a snapshot), thoughts folded
// away as there, rendered at most once a frame. When the reply ends its bubble goes, and the
// finished turn (chat.js) shows it.

import { invoke } from './commands.js';
import { SNAPSHOT_PATIENCE_MS, StreamedText } from './streamed_text.js';
import { FRAME_CHARS, el, formatStats, showRetry, thoughtsPanel } from './view_parts.js';

/**
 * The live reply of a chat view's `model`, appended to `messages`, the log that `log`
 * (chat_scroll.js) follows. `answerFor` and `resetAnswer` make and fill its answer as a
 * finished turn's; `IncrementalRenderer` renders its thoughts.
 */
export function liveReply({ model, messages, log, answerFor, resetAnswer, IncrementalRenderer }) {
  let live = null; // the reply being streamed: {node, body, stats, streamed, answer, thinking}
  let frame = 0;
  let buffered = [];
  let resyncing = false;

  /** A bubble for the reply being streamed; a continued reply starts with what it has. */
  function startLive(text = '', thoughts = '', parts = [], annotations = null, format = null, rows = [], rowsFrom = null) {
    if (live) endLive();
    const node = el('div', 'gw-message gw-model');
    node.dataset.status = 'streaming';
    const thinking = thoughtsPanel();
    const body = el('div', 'gw-body jp-RenderedHTMLCommon jp-RenderedMarkdown');
    const stats = el('div', 'gw-turn-stats', 'waiting…');
    node.append(thinking.node, body, stats);
    messages.append(node);
    log.watch([node]);
    log.follow();
    live = {
      node, body, stats, thoughts: thinking.node,
      streamed: new StreamedText(),
      answer: answerFor(body, format),
      thinking: new IncrementalRenderer(thinking.body),
    };
    live.streamed.reset(text, thoughts, parts, annotations, rows, rowsFrom);
    resetAnswer(live.answer, text, parts, annotations, rows, rowsFrom);
    live.answer.setStatus('streaming');
    live.thinking.reset(thoughts);
    if (text || thoughts || parts.length || annotations) scheduleRender();
  }

  function endLive() {
    if (live) {
      live.stopCountdown?.();
      live.node.remove();
      log.follow();
    }
    live = null;
    buffered = [];
  }

  function scheduleRender() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (!live) return;
      live.answer.render({ maxChars: FRAME_CHARS });
      if (live.thinking.render({ maxChars: FRAME_CHARS })) live.thoughts.hidden = live.streamed.thoughts.length === 0;
      if (live.latestStats) live.stats.textContent = formatStats(live.latestStats, '');
      live.latestStats = null;
      log.follow();
      if (live.answer.pending || live.thinking.pending) scheduleRender();
    });
  }

  function applyDelta(message) {
    live.stopCountdown?.();
    live.stopCountdown = null;
    if (message.stats) live.latestStats = message.stats; // shown with the next frame
    const added = live.streamed.apply(message);
    if (added === null) {
      buffered.push(message);
      resync();
    } else {
      if (live.answer.json) {
        if (added.text || added.rows.length) live.answer.append(added.text, added.rows, added.rowsFrom);
      } else {
        if (added.text || added.parts.length) live.answer.append(added.text, added.parts);
        if ('annotations' in added) live.answer.annotate(added.annotations);
      }
      if (added.thoughts) live.thinking.append(added.thoughts);
      scheduleRender();
    }
  }

  function resync() {
    if (resyncing) return;
    resyncing = true;
    const signal = AbortSignal.timeout(SNAPSHOT_PATIENCE_MS);
    invoke(model, '_snapshot', {}, { signal }).then(([snapshot]) => {
      resyncing = false;
      if (!live) return;
      const parts = snapshot.parts ?? [];
      const annotations = snapshot.annotations ?? null;
      if ((snapshot.format === 'json') !== live.answer.json) live.answer = answerFor(live.body, snapshot.format);
      const rowsFrom = snapshot.rows_from ?? null;
      live.streamed.reset(snapshot.text, snapshot.thoughts, parts, annotations, snapshot.rows ?? [], rowsFrom);
      resetAnswer(live.answer, snapshot.text, parts, annotations, snapshot.rows, rowsFrom);
      live.thinking.reset(snapshot.thoughts);
      const waiting = buffered;
      buffered = [];
      waiting.forEach(applyDelta);
      scheduleRender();
    }, () => {
      resyncing = false;
    });
  }

  return {
    /** The bubble while a reply streams (finished turns go before it), else null. */
    get node() {
      return live ? live.node : null;
    },
    start: startLive,
    end: endLive,
    /** A bubble, if none yet (the chat became busy, or a message came first). */
    ensure() {
      if (!live) startLive();
    },
    /** A `retry` message: the countdown to the next attempt, under the reply. */
    retry(message) {
      if (!live) startLive();
      live.stopCountdown?.();
      live.stopCountdown = showRetry(live.stats, message);
    },
    /** A `delta` message, held while a snapshot is awaited. */
    delta(message) {
      if (!live) startLive();
      if (resyncing) buffered.push(message);
      else applyDelta(message);
    },
    /** Fetch the reply so far (a view opened mid-reply, or a gap). */
    resync,
    dispose() {
      if (frame) cancelAnimationFrame(frame);
    },
  };
}
