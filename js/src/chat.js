// anywidget glue for ChatView: the conversation, an input box, and the reply streaming in.
//
// Turns come as the synced `turns` list, one entry per exchange in the shape
// `Turn.to_json()` documents (gemini_widgets/conversation.py): {message, attachments,
// reply, thoughts, parts, annotations, status, notice, error, stats, recorded,
// can_continue}. A reload shows the whole conversation; the reply being written (status
// 'streaming') comes as delta messages, applied by offset as in StreamView, thoughts folded
// away as there (chat_live.js); the log follows its end while the reader does
// (chat_scroll.js). A reply's text, parts and annotations are laid out by the renderer
// bundle's AnswerBody (answer_parts.js), the same as in a StreamView. Every
// action (send, stop, regenerate, retry, clear, export) is an anywidget command: the chat
// streams as a task on the kernel's loop, so the kernel answers while it streams.

import { liveReply } from './chat_live.js';
import { followEnd } from './chat_scroll.js';
import { invoke } from './commands.js';
import { loadRenderer } from './renderer_loader.js';
import { addCopyButtons, el, formatCost, formatStats, stopAnswer, stopHint, thoughtsPanel } from './view_parts.js';

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
  const resetAnswer = (answer, text, parts, annotations, rows, rowsFrom) => {
    if (answer.json) answer.reset(text, rows ?? [], rowsFrom ?? null);
    else answer.reset(text, parts, annotations);
  };
  const rendered = []; // [{key, node}] per finished turn, reused while unchanged

  const log = followEnd(messages); // chat_scroll.js
  const live = liveReply({ model, messages, log, answerFor, resetAnswer, IncrementalRenderer }); // chat_live.js

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
      resetAnswer(answer, turn.reply, turn.parts || [], turn.annotations ?? null, turn.rows, turn.rows_from);
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
    if (turns.length > rendered.length) log.resume(); // a new message: go to it
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
        for (const node of made.nodes) messages.insertBefore(node, live.node);
      }
      log.watch(made.nodes);
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
    log.follow();
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
    if (!busy) live.end();
    else live.ensure();
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
    if (how === 'hint') say(stopHint('reply'));
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
      live.start(
        message.text, message.thoughts, message.parts ?? [], message.annotations ?? null,
        message.format ?? null, message.rows ?? [], message.rows_from ?? null,
      );
    } else if (message.type === 'retry') {
      live.retry(message);
    } else if (message.type === 'delta') {
      live.delta(message);
    }
  });
  model.on('change:turns', () => {
    showTurns();
    showState();
  });
  for (const name of ['busy', 'background', 'backend', 'model_name', 'cost']) model.on(`change:${name}`, showState);

  showTurns();
  showState();
  if (model.get('busy')) live.resync(); // opened mid-reply (a reload): fetch the text so far
  log.toEnd();

  return () => {
    live.dispose();
    log.disconnect();
    if (idle) (globalThis.cancelIdleCallback ?? clearTimeout)(idle);
  };
}

export default { render };
