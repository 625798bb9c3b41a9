// anywidget glue for StreamView: kernel messages in, rendered answer out.
//
// The kernel sends each piece of text once ({type: 'delta', at, text}), `at` being the
// piece's offset. A per-model store, made in `initialize` (when the model is created, before
// any view), keeps the text so far: every view of the model renders from it, so a second
// display or a display update shows the full text without asking the kernel. A model made
// mid-stream (page reload) or one that sees a gap asks for a snapshot (`_snapshot`) and
// applies the deltas it buffered meanwhile. Views render at most once per animation frame.
//
// The renderer bundle (markdown-it, DOMPurify, highlight.js, KaTeX) is not in this module:
// anywidget sends a module with every widget instance, so the bundle travels once per
// kernel in a shared RendererAssets model and is imported from there, cached by version.

const STOP_HINT =
  'The cell is still running, so the kernel cannot read this click yet: use Kernel → ' +
  'Interrupt (■) to stop now. The partial answer is kept.';

const shared = (globalThis.__geminiWidgets ??= { renderers: new Map(), stores: new WeakMap() });

/** The renderer module of the view's RendererAssets, imported once per page and version. */
async function loadRenderer(model) {
  const id = String(model.get('_renderer')).replace(/^IPY_MODEL_/, '');
  const assets = await model.widget_manager.get_model(id);
  const version = assets.get('version');
  if (!shared.renderers.has(version)) {
    shared.renderers.set(version, (async () => {
      const style = document.createElement('style');
      style.dataset.geminiWidgets = version;
      style.textContent = assets.get('css');
      document.head.append(style);
      const url = URL.createObjectURL(new Blob([assets.get('source')], { type: 'text/javascript' }));
      try {
        return await import(/* webpackIgnore: true */ url);
      } finally {
        URL.revokeObjectURL(url);
      }
    })());
  }
  return shared.renderers.get(version);
}

/** The text of one model's stream, kept by offset; views subscribe to it. */
class StreamStore {
  constructor(model, experimental) {
    this.model = model;
    this.experimental = experimental;
    this.text = '';
    this.thoughts = '';
    this.synced = model.get('status') === 'idle';
    this.buffered = [];
    this.views = new Set();
    model.on('msg:custom', (message) => this.receive(message));
    if (!this.synced) this.resync();
  }

  receive(message) {
    if (message.type === 'reset') {
      this.text = this.thoughts = '';
      this.buffered = [];
      this.synced = true;
      this.notify({ reset: true });
    } else if (message.type === 'delta') {
      if (message.stats) this.notify({ stats: message.stats });
      if (!this.synced) this.buffered.push(message);
      else this.apply(message);
    }
  }

  apply(message) {
    const text = this.#slice('text', message.at, message.text);
    const thoughts = this.#slice('thoughts', message.thoughts_at, message.thoughts);
    if (text === null || thoughts === null) {
      this.buffered.push(message);
      this.resync();
      return;
    }
    this.text += text;
    this.thoughts += thoughts;
    if (text || thoughts) this.notify({ text, thoughts });
  }

  /** The part of `piece` (at offset `at`) not yet held; null when text before it is missing. */
  #slice(channel, at, piece) {
    if (piece === undefined) return '';
    const held = this[channel].length;
    if (at > held) return null;
    return piece.slice(held - at);
  }

  resync() {
    if (!this.synced && this.pending) return;
    this.synced = false;
    this.pending = this.experimental.invoke('_snapshot', {}).then(([snapshot]) => {
      this.pending = null;
      this.text = snapshot.text;
      this.thoughts = snapshot.thoughts;
      this.synced = true;
      this.notify({ reset: true });
      const waiting = this.buffered;
      this.buffered = [];
      waiting.forEach((message) => this.apply(message));
    });
  }

  notify(change) {
    for (const view of this.views) view(change);
  }
}

function storeFor(model, experimental) {
  let store = shared.stores.get(model);
  if (!store) {
    store = new StreamStore(model, experimental);
    shared.stores.set(model, store);
  }
  return store;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatStats(stats, model) {
  const parts = [];
  const name = stats.model || model;
  if (name) parts.push(name);
  if (stats.time_to_first_token != null) parts.push(`first token ${stats.time_to_first_token.toFixed(2)} s`);
  if (stats.tokens_per_second != null) parts.push(`${Math.round(stats.tokens_per_second)} tok/s`);
  const tokens = [];
  if (stats.prompt_tokens != null) tokens.push(`${stats.prompt_tokens} in`);
  if (stats.output_tokens != null) tokens.push(`${stats.output_tokens} out`);
  if (stats.thought_tokens) tokens.push(`${stats.thought_tokens} thinking`);
  if (tokens.length) parts.push(`tokens ${tokens.join(' / ')}`);
  if (stats.elapsed != null) parts.push(`${stats.elapsed.toFixed(1)} s`);
  return parts.join(' · ');
}

function addCopyButtons(container) {
  for (const pre of container.querySelectorAll('pre:not([data-gw-copy])')) {
    pre.setAttribute('data-gw-copy', '');
    const button = el('button', 'gw-copy', 'Copy');
    button.type = 'button';
    button.title = 'Copy code';
    button.addEventListener('click', async () => {
      const code = pre.querySelector('code');
      try {
        await navigator.clipboard.writeText((code || pre).textContent);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Copy failed';
      }
      setTimeout(() => (button.textContent = 'Copy'), 1500);
    });
    pre.append(button);
  }
}

/** Interrupt the kernel this view talks to, where the front end lets a widget reach it. */
async function interruptKernel(model) {
  const kernel = model.widget_manager?.kernel;
  if (!kernel || typeof kernel.interrupt !== 'function') return false;
  await kernel.interrupt();
  return true;
}

function initialize({ model, experimental }) {
  storeFor(model, experimental);
}

async function render({ model, el: root, experimental }) {
  const store = storeFor(model, experimental);
  root.classList.add('gw-stream');
  const bar = el('div', 'gw-bar');
  const badge = el('span', 'gw-status');
  const stats = el('span', 'gw-stats');
  const finish = el('span', 'gw-finish');
  const backend = el('span', 'gw-backend');
  const stop = el('button', 'gw-stop', 'Stop');
  stop.type = 'button';
  bar.append(badge, stats, finish, backend, stop);
  const thoughts = el('details', 'gw-thoughts');
  thoughts.append(el('summary', null, 'Thoughts'));
  const thoughtsBody = el('div', 'gw-thoughts-body jp-RenderedHTMLCommon');
  thoughts.append(thoughtsBody);
  thoughts.hidden = true;
  const body = el('div', 'gw-body jp-RenderedHTMLCommon jp-RenderedMarkdown');
  const notice = el('div', 'gw-notice');
  const error = el('div', 'gw-error');
  error.setAttribute('role', 'alert');
  const hint = el('div', 'gw-hint');
  hint.hidden = true;
  root.append(bar, thoughts, body, notice, error, hint);

  function showState() {
    const status = model.get('status');
    root.dataset.status = status;
    badge.textContent = status === 'waiting' ? 'waiting…' : status;
    stats.textContent = formatStats(model.get('stats') || {}, model.get('model_name'));
    const reason = (model.get('stats') || {}).finish_reason;
    finish.textContent = reason || '';
    finish.hidden = !reason;
    const where = model.get('backend');
    backend.textContent = where;
    backend.hidden = !where;
    backend.classList.toggle('gw-offline', where.startsWith('offline'));
    stop.hidden = !(status === 'waiting' || status === 'streaming');
    notice.textContent = model.get('notice');
    notice.hidden = !model.get('notice');
    error.textContent = model.get('error');
    error.hidden = !model.get('error');
    if (stop.hidden) hint.hidden = true;
  }
  for (const name of ['status', 'stats', 'error', 'notice', 'backend', 'model_name']) {
    model.on(`change:${name}`, showState);
  }
  showState();

  // Changes that arrive while the renderer loads are folded in when it is ready: the store
  // holds the text, so only "something changed" needs remembering.
  let ready = false;
  let answer = null;
  let thinking = null;
  let frame = 0;
  const scheduleRender = () => {
    if (!ready || frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      answer.render();
      if (thinking.render()) thoughts.hidden = store.thoughts.length === 0;
      addCopyButtons(body);
    });
  };
  const onChange = (change) => {
    if (change.stats) stats.textContent = formatStats(change.stats, model.get('model_name'));
    if (!ready) return;
    if (change.reset) {
      answer.reset(store.text);
      thinking.reset(store.thoughts);
    } else {
      if (change.text) answer.append(change.text);
      if (change.thoughts) thinking.append(change.thoughts);
    }
    scheduleRender();
  };
  store.views.add(onChange);

  stop.addEventListener('click', async () => {
    stop.disabled = true;
    try {
      if (model.get('background')) {
        // A stream running as a task: the kernel is free to read the click.
        await experimental.invoke('_stop_command', {}, { signal: AbortSignal.timeout(2000) });
      } else if (!(await interruptKernel(model))) {
        // This view's own cell blocks the kernel, which reads no comm message until the
        // cell ends; Kernel -> Interrupt is what it honours.
        hint.textContent = STOP_HINT;
        hint.hidden = false;
      }
    } catch {
      hint.textContent = STOP_HINT;
      hint.hidden = false;
    } finally {
      stop.disabled = false;
    }
  });

  const { IncrementalRenderer } = await loadRenderer(model);
  answer = new IncrementalRenderer(body);
  thinking = new IncrementalRenderer(thoughtsBody);
  answer.reset(store.text);
  thinking.reset(store.thoughts);
  ready = true;
  scheduleRender();

  return () => {
    store.views.delete(onChange);
    if (frame) cancelAnimationFrame(frame);
  };
}

export default { initialize, render };
