// anywidget glue for ChatView: the conversation, an input box, and the reply streaming in.
//
// Turns come as the synced `turns` list, one entry per exchange in the shape
// `Turn.to_json()` documents (gemini_widgets/conversation.py): {message, attachments,
// reply, thoughts, parts, annotations, status, notice, error, stats, recorded,
// can_continue}. A reload shows the whole conversation; the reply being written (status
// 'streaming') comes as delta messages, applied by offset as in StreamView, thoughts folded
// away as there. A reply's text, parts and annotations are laid out by the renderer
// bundle's AnswerBody (answer_parts.js), the same as in a StreamView. Every
// action (send, stop, regenerate, retry, clear, export) is an anywidget command: the chat
// streams as a task on the kernel's loop, so the kernel answers while it streams.

import { invoke } from './commands.js';
import { loadRenderer } from './renderer_loader.js';
import { SNAPSHOT_PATIENCE_MS, StreamedText } from './streamed_text.js';
import { addCopyButtons, el, formatCost, formatStats, showRetry, stopAnswer, thoughtsPanel } from './view_parts.js';

// New text a frame takes in (as in stream_view.js): a reply resumed whole fills in over frames.
const FRAME_CHARS = 16 * 1024;

const STOP_HINT =
  'This reply streams inside a running cell, so the kernel cannot read the click: use ' +
  'Kernel → Interrupt (■). The partial reply is kept.';

function download(name, text) {
  const link = el('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/markdown' }));
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function render({ model, el: root }) {
  root.classList.add('gw-chat');
  const header = el('div', 'gw-chat-header');
  const title = el('span', 'gw-chat-title');
  const backend = el('span', 'gw-backend');
  const total = el('span', 'gw-chat-cost');
  total.title = 'Estimated cost of the replies so far (docs/cost.md)';
  const regenerate = el('button', 'gw-button gw-regenerate', 'Regenerate');
  const clear = el('button', 'gw-button gw-clear', 'Clear');
  const exportButton = el('button', 'gw-button gw-export', 'Export');
  header.append(title, total, backend, regenerate, clear, exportButton);
  const messages = el('div', 'gw-messages');
  messages.setAttribute('role', 'log');
  const composer = el('div', 'gw-composer');
  const input = el('textarea', 'gw-input');
  input.rows = 2;
  input.placeholder = 'Message Gemini (Enter to send, Shift+Enter for a new line)';
  const files = el('input', 'gw-files');
  files.type = 'file';
  files.multiple = true;
  files.hidden = true;
  const attach = el('button', 'gw-button gw-attach', 'Attach');
  const chips = el('div', 'gw-chips');
  const send = el('button', 'gw-button gw-send', 'Send');
  for (const button of [regenerate, clear, exportButton, attach, send]) button.type = 'button';
  composer.append(input, attach, send, files);
  const hint = el('div', 'gw-hint');
  hint.hidden = true;
  root.append(header, messages, chips, composer, hint);

  const { AnswerBody, IncrementalRenderer, JsonTable } = await loadRenderer(model, root);
  // A reply asked for as JSON (`format: 'json'`) is a table whose rows appear as they
  // complete, as in a StreamView; any other is rendered Markdown with its parts.
  const answerFor = (body, format) => {
    const json = format === 'json';
    const made = json ? new JsonTable(body) : new AnswerBody(body, { decorate: addCopyButtons });
    made.json = json;
    return made;
  };
  const resetAnswer = (answer, text, parts, annotations, rows) => {
    if (answer.json) answer.reset(text, rows ?? []);
    else answer.reset(text, parts, annotations);
  };
  const rendered = []; // [{key, node}] per finished turn, reused while unchanged

  // The log follows the conversation's end until the reader scrolls away from it (wheel,
  // touch, keys, the scrollbar), and again once they scroll back to the end. Told by what
  // the reader did, not by scroll events: replacing the live reply by its finished turn
  // moves scrollTop too.
  let following = true;
  const nearEnd = () => messages.scrollHeight - messages.scrollTop - messages.clientHeight < 48;
  const toEnd = () => (messages.scrollTop = messages.scrollHeight);
  const readerScrolled = () => requestAnimationFrame(() => (following = nearEnd()));
  for (const event of ['wheel', 'touchmove', 'keyup', 'pointerup']) {
    messages.addEventListener(event, readerScrolled, { passive: true });
  }
  // A message's height settles after it is written (rendered sections off screen are laid out
  // when they come into view): follow each size change, not only each write.
  const pinned = typeof ResizeObserver === 'function'
    ? new ResizeObserver(() => following && toEnd())
    : null;
  const watch = (nodes) => nodes.forEach((node) => pinned?.observe(node));

  let live = null; // the reply being streamed: {node, body, stats, streamed, answer, thinking}
  let frame = 0;
  let buffered = [];
  let resyncing = false;

  const say = (text) => {
    hint.textContent = text || '';
    hint.hidden = !text;
  };

  /**
   * The nodes of one exchange: the message, and the reply unless it is still streaming.
   * The reply's body is filled by `fill` (its Markdown rendered): at once for the replies
   * a reader sees first, in idle time for the others (see `showTurns`).
   */
  function turnNodes(turn) {
    const asked = el('div', 'gw-message gw-user');
    asked.append(el('div', 'gw-user-text', turn.message));
    for (const label of turn.attachments || []) asked.append(el('span', 'gw-chip', label));
    if (turn.status === 'streaming') return { nodes: [asked], reply: null, fill: null };
    const node = el('div', 'gw-message gw-model');
    node.dataset.status = turn.status;
    const body = el('div', 'gw-body jp-RenderedHTMLCommon jp-RenderedMarkdown');
    node.append(body);
    const status = el('div', 'gw-turn-stats', formatStats(turn.stats || {}, ''));
    if (turn.stats?.finish_reason) status.append(el('span', 'gw-finish', ` · ${turn.stats.finish_reason}`));
    node.append(status);
    if (turn.notice) node.append(el('div', 'gw-notice', turn.notice));
    if (turn.error) {
      const error = el('div', 'gw-error', turn.error);
      error.setAttribute('role', 'alert');
      node.append(error);
    }
    const fill = () => {
      if (turn.thoughts) {
        const thoughts = thoughtsPanel();
        const thinking = new IncrementalRenderer(thoughts.body);
        thinking.reset(turn.thoughts);
        thinking.render();
        thoughts.node.hidden = false;
        node.prepend(thoughts.node);
      }
      const answer = answerFor(body, turn.format);
      resetAnswer(answer, turn.reply, turn.parts || [], turn.annotations ?? null, turn.rows);
      answer.setStatus(turn.status);
      answer.render();
      node.classList.remove('gw-unrendered');
    };
    node.classList.add('gw-unrendered');
    return { nodes: [asked, node], reply: node, fill };
  }

  /** The Retry and Continue buttons, which only the last exchange has. */
  function turnActions(turn, isLast) {
    const actions = el('div', 'gw-turn-actions');
    if (isLast && turn.can_continue) {
      const proceed = el('button', 'gw-button gw-continue', 'Continue');
      proceed.type = 'button';
      proceed.title = 'Ask the model to go on from where the reply was cut short';
      proceed.addEventListener('click', () => act('_act', { action: 'continue_reply' }));
      actions.append(proceed);
    }
    // Retry re-sends a message whose reply never reached the history (failed, stopped,
    // blocked, SAFETY...).
    if (isLast && !turn.recorded) {
      const retry = el('button', 'gw-button gw-retry', 'Retry');
      retry.type = 'button';
      retry.addEventListener('click', () => act('_act', { action: 'retry' }));
      actions.append(retry);
    }
    return actions.childElementCount ? actions : null;
  }

  function showActions(entry, turn, isLast) {
    entry.actions?.remove();
    entry.actions = entry.reply ? turnActions(turn, isLast) : null;
    if (entry.actions) entry.reply.append(entry.actions);
    entry.last = isLast;
  }

  // Replies rendered at once when turns arrive; the others wait for idle time, newest
  // first, so reopening a notebook with a long chat shows its end without rendering every
  // reply in one frame-blocking burst.
  const SHOWN_AT_ONCE = 2;
  const unfilled = []; // fill functions, oldest first
  let idle = 0;

  function fillWhenIdle() {
    if (idle || unfilled.length === 0) return;
    const later = globalThis.requestIdleCallback ?? ((f) => setTimeout(() => f({ timeRemaining: () => 8 }), 16));
    idle = later((deadline) => {
      idle = 0;
      do unfilled.pop()(); while (unfilled.length && deadline.timeRemaining() > 4);
      fillWhenIdle();
    }, { timeout: 500 });
  }

  function showTurns() {
    const turns = model.get('turns') || [];
    if (turns.length > rendered.length) following = true; // a new message: go to it
    const fills = [];
    turns.forEach((turn, index) => {
      const isLast = index === turns.length - 1;
      const key = JSON.stringify(turn);
      const entry = rendered[index];
      if (entry?.key === key) {
        if (entry.last !== isLast) showActions(entry, turn, isLast);
        return;
      }
      const made = turnNodes(turn);
      if (entry) {
        entry.nodes[0].replaceWith(...made.nodes);
        for (const old of entry.nodes.slice(1)) old.remove();
        entry.fill = null; // an idle fill of the old nodes has nothing left to do
      } else {
        for (const node of made.nodes) messages.insertBefore(node, live ? live.node : null);
      }
      watch(made.nodes);
      const fresh = { key, nodes: made.nodes, reply: made.reply, fill: made.fill, actions: null };
      rendered[index] = fresh;
      showActions(fresh, turn, isLast);
      if (made.fill) fills.push(fresh);
    });
    for (const stale of rendered.splice(turns.length)) {
      stale.fill = null;
      for (const node of stale.nodes) node.remove();
    }
    const run = (entry) => () => {
      const fill = entry.fill;
      entry.fill = null;
      fill?.();
    };
    for (const entry of fills.splice(-SHOWN_AT_ONCE)) run(entry)();
    unfilled.push(...fills.map(run));
    fillWhenIdle();
    if (following) toEnd();
  }

  /** A bubble for the reply being streamed; a continued reply starts with what it has. */
  function startLive(text = '', thoughts = '', parts = [], annotations = null, format = null, rows = []) {
    if (live) endLive();
    const node = el('div', 'gw-message gw-model');
    node.dataset.status = 'streaming';
    const thinking = thoughtsPanel();
    const body = el('div', 'gw-body jp-RenderedHTMLCommon jp-RenderedMarkdown');
    const stats = el('div', 'gw-turn-stats', 'waiting…');
    node.append(thinking.node, body, stats);
    messages.append(node);
    watch([node]);
    if (following) toEnd();
    live = {
      node, body, stats, thoughts: thinking.node,
      streamed: new StreamedText(),
      answer: answerFor(body, format),
      thinking: new IncrementalRenderer(thinking.body),
    };
    live.streamed.reset(text, thoughts, parts, annotations, rows);
    resetAnswer(live.answer, text, parts, annotations, rows);
    live.answer.setStatus('streaming');
    live.thinking.reset(thoughts);
    if (text || thoughts || parts.length || annotations) scheduleRender();
  }

  function endLive() {
    if (live) {
      live.stopCountdown?.();
      live.node.remove();
      if (following) toEnd();
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
      if (following) toEnd();
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
        if (added.text || added.rows.length) live.answer.append(added.text, added.rows);
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
      live.streamed.reset(snapshot.text, snapshot.thoughts, parts, annotations, snapshot.rows ?? []);
      resetAnswer(live.answer, snapshot.text, parts, annotations, snapshot.rows);
      live.thinking.reset(snapshot.thoughts);
      const waiting = buffered;
      buffered = [];
      waiting.forEach(applyDelta);
      scheduleRender();
    }, () => {
      resyncing = false;
    });
  }

  function showState() {
    const busy = model.get('busy');
    root.dataset.busy = String(busy);
    send.textContent = busy ? 'Stop' : 'Send';
    send.classList.toggle('gw-stop', busy);
    regenerate.disabled = busy || !(model.get('turns') || []).some((t) => t.status !== 'streaming');
    title.textContent = model.get('model_name');
    const cost = model.get('cost');
    total.textContent = cost == null ? '' : `≈ ${formatCost(cost)} so far`;
    total.hidden = cost == null;
    const where = model.get('backend');
    backend.textContent = where;
    backend.hidden = !where;
    backend.classList.toggle('gw-offline', where.startsWith('offline'));
    if (!busy) endLive();
    else if (!live) startLive();
  }

  async function act(name, payload = {}, buffers = []) {
    try {
      const [reply] = await invoke(model, name, payload, { buffers, signal: AbortSignal.timeout(5000) });
      say(reply?.refused || '');
      return reply;
    } catch {
      say('The kernel did not answer: is a cell still running? Kernel → Interrupt stops it.');
      return null;
    }
  }

  async function submit() {
    if (model.get('busy')) {
      say('A reply is streaming: stop it or wait for it before sending another message.');
      return;
    }
    const chosen = [...files.files];
    const buffers = await Promise.all(chosen.map((f) => f.arrayBuffer()));
    const reply = await act(
      '_submit',
      { text: input.value, attachments: chosen.map((f) => ({ name: f.name, mime: f.type })) },
      buffers.map((b) => new DataView(b)),
    );
    if (reply && !reply.refused) {
      input.value = '';
      files.value = '';
      chips.replaceChildren();
    }
  }

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  send.addEventListener('click', async () => {
    if (!model.get('busy')) return submit();
    const how = await stopAnswer({
      model, command: '_act', payload: { action: 'stop' }, background: model.get('background'),
    });
    if (how === 'hint') say(STOP_HINT);
  });
  attach.addEventListener('click', () => files.click());
  files.addEventListener('change', () => {
    chips.replaceChildren(...[...files.files].map((f) => el('span', 'gw-chip', f.name)));
  });
  regenerate.addEventListener('click', () => act('_act', { action: 'regenerate' }));
  clear.addEventListener('click', () => act('_act', { action: 'clear' }));
  exportButton.addEventListener('click', async () => {
    const reply = await act('_export');
    if (reply) download('chat.md', reply.markdown);
  });

  model.on('msg:custom', (message) => {
    if (message.type === 'reply_start') {
      startLive(
        message.text, message.thoughts, message.parts ?? [], message.annotations ?? null,
        message.format ?? null, message.rows ?? [],
      );
    } else if (message.type === 'retry') {
      if (!live) startLive();
      live.stopCountdown?.();
      live.stopCountdown = showRetry(live.stats, message);
    } else if (message.type === 'delta') {
      if (!live) startLive();
      if (resyncing) buffered.push(message);
      else applyDelta(message);
    }
  });
  model.on('change:turns', () => {
    showTurns();
    showState();
  });
  for (const name of ['busy', 'background', 'backend', 'model_name', 'cost']) model.on(`change:${name}`, showState);

  showTurns();
  showState();
  if (model.get('busy')) resync(); // opened mid-reply (a reload): fetch the text so far
  toEnd();

  return () => {
    if (frame) cancelAnimationFrame(frame);
    pinned?.disconnect();
    if (idle) (globalThis.cancelIdleCallback ?? clearTimeout)(idle);
  };
}

export default { render };
