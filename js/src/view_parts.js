// DOM pieces both views use: the status line, Copy buttons on code, element creation.
import { invoke } from './commands.js';


/** One-line status-bar text from a stream's stats. */
export function formatStats(stats, model) {
  const parts = [];
  const name = stats.model || model;
  if (name) parts.push(name);
  if (stats.time_to_first_token != null) parts.push(`first token ${stats.time_to_first_token.toFixed(2)} s`);
  if (stats.tokens_per_second != null) parts.push(`${Math.round(stats.tokens_per_second)} tok/s`);
  const tokens = [];
  if (stats.prompt_tokens != null) tokens.push(`${stats.prompt_tokens} in`);
  if (stats.output_tokens != null) tokens.push(`${stats.output_tokens} out`);
  if (stats.thought_tokens) tokens.push(`${stats.thought_tokens} thinking`);
  if (stats.cached_tokens) tokens.push(`${stats.cached_tokens} cached`);
  if (stats.tool_use_tokens) tokens.push(`${stats.tool_use_tokens} tool use`);
  if (tokens.length) parts.push(`tokens ${tokens.join(' / ')}`);
  if (stats.cost != null) parts.push(`≈ ${formatCost(stats.cost)}`);
  if (stats.elapsed != null) parts.push(`${stats.elapsed.toFixed(1)} s`);
  return parts.join(' · ');
}

/**
 * US dollars with two significant digits below a dime ("$0.0012", "$0.000045"), cents
 * above ("$0.42", "$12.30"): an estimate, so no more digits than it means.
 */
export function formatCost(usd) {
  if (usd === 0) return '$0';
  if (usd < 1e-6) return '< $0.000001';
  const rounded = Number(usd.toPrecision(2));
  if (rounded >= 0.1) return `$${usd.toFixed(2)}`;
  return `$${rounded.toFixed(1 - Math.floor(Math.log10(rounded)))}`;
}

/**
 * A Copy button on every code block in `container` (an element or a fragment) that has
 * none yet. The views hand it to AnswerBody as `decorate`, which calls it on new nodes
 * only: scanning the whole answer each frame grew with the answer.
 */
export function addCopyButtons(container) {
  const pres = container.querySelectorAll('pre:not([data-gw-copy])');
  if (pres.length === 0) return;
  const document = container.ownerDocument;
  for (const pre of pres) {
    pre.setAttribute('data-gw-copy', '');
    const button = document.createElement('button');
    button.className = 'gw-button gw-copy';
    button.type = 'button';
    button.textContent = 'Copy';
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

/** A folded "Thoughts" panel, hidden until it has something: {node, body}. */
export function thoughtsPanel() {
  const node = el('details', 'gw-thoughts');
  node.append(el('summary', null, 'Thoughts'));
  const body = el('div', 'gw-thoughts-body jp-RenderedHTMLCommon');
  node.append(body);
  node.hidden = true;
  return { node, body };
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Show "429 RESOURCE_EXHAUSTED: retrying in 3 s (attempt 2 of 4)." in `node`, counting the
 * seconds down from when it is called. `retry` is {cause, delay, attempt, attempts} from
 * the kernel. Returns a function that stops the countdown.
 */
export function showRetry(node, retry) {
  const until = Date.now() + retry.delay * 1000;
  const tick = () => {
    const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    node.textContent =
      `${retry.cause}: retrying in ${left} s (attempt ${retry.attempt} of ${retry.attempts}).`;
  };
  tick();
  const timer = setInterval(tick, 250);
  return () => clearInterval(timer);
}

/**
 * New text one frame of a view takes in: a stream brings a few hundred characters a frame;
 * a whole answer shown at once (a reload, a second view, a resumed reply) fills in at this
 * pace instead of blocking.
 */
export const FRAME_CHARS = 16 * 1024;

/**
 * While a long answer streams with its end off screen (the reader is at its top, or
 * elsewhere in the notebook), its view renders its text at most every OFFSCREEN_RENDER_MS
 * instead of every frame: nobody sees those frames, only the scrollbar growing. JupyterLab
 * does not scroll with an output, so for a long answer that was most of its rendering
 * (benchmarks/README.md). The status bar's numbers still move every frame a message brings.
 * The end coming within half a screen of view renders at once, and so does the stream's end.
 * An answer shorter than LONG_ANSWER_CHARS, or a host without IntersectionObserver, renders
 * every frame.
 */
export const OFFSCREEN_RENDER_MS = 1000;
export const LONG_ANSWER_CHARS = 16 * 1024;

/**
 * Watch whether `node` (a view's last element) is on screen or near it; `onShown()` is called
 * each time it comes into view. Returns {onScreen, disconnect}.
 */
export function watchOnScreen(node, onShown) {
  if (typeof IntersectionObserver !== 'function') return { onScreen: true, disconnect() {} };
  const watch = { onScreen: true, disconnect: () => observer.disconnect() };
  const observer = new IntersectionObserver((entries) => {
    watch.onScreen = entries.at(-1).isIntersecting;
    if (watch.onScreen) onShown();
  }, { rootMargin: '50% 0px' });
  observer.observe(node);
  return watch;
}

/** How long Stop waits for the kernel to answer its message before trying an interrupt. */
export const STOP_PATIENCE_MS = 2000;

/**
 * What Stop says when it cannot stop the answer itself (stopAnswer's 'hint'): how to
 * interrupt the running cell, in words that fit every front end that leaves a widget no
 * kernel handle (a notebook's Kernel menu, a cell's own stop button elsewhere; the views
 * name no host, see portable.test.js). `what` is 'answer' or 'reply'. `kept`: whether an
 * interrupt leaves this output in place (the kernel says, `interrupt_keeps_view`); where it
 * does not, the hint says how to stop and keep it next time.
 */
export function stopHint(what, kept = true) {
  return 'The cell is still running, so the kernel cannot read this click yet: interrupt ' +
    "the cell to stop now (Kernel → Interrupt, ■, or the running cell's stop button). " +
    (kept
      ? `The partial ${what} is kept.`
      : `Here that replaces this output with the interruption; to stop and keep the ${what}, ` +
        'run it with background=True.');
}

/**
 * Stop an answer, with as little of the front end as each case allows:
 * - a stream running as a task (`background`): a message to the kernel, which is free to
 *   read it (anywidget's command protocol, commands.js; no kernel handle needed);
 * - a stream in a running cell: the kernel reads no widget message until the cell ends
 *   (widget comms are not sent on a kernel subshell), so interrupt it where the front end
 *   lets a widget reach its kernel (ipywidgets' manager: JupyterLab, Notebook 7, Voilà);
 * - else (or if the message went unanswered and there is no handle) nothing a widget can
 *   do: 'hint', and the view says how to stop.
 * Returns 'stopped', 'interrupted' or 'hint'.
 */
export async function stopAnswer({ model, command, payload = {}, background }) {
  if (background) {
    try {
      await invoke(model, command, payload, { signal: AbortSignal.timeout(STOP_PATIENCE_MS) });
      return 'stopped';
    } catch {
      // The kernel is busy after all (a cell started meanwhile): an interrupt may reach it.
    }
  }
  const kernel = model.widget_manager?.kernel;
  if (!kernel || typeof kernel.interrupt !== 'function') return 'hint';
  try {
    await kernel.interrupt();
    return 'interrupted';
  } catch {
    return 'hint';
  }
}
