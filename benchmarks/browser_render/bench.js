// Feeds a streamed answer to the shipped renderer one delta per animation frame, as
// StreamView's glue does (js/src/stream_view.js: append on each kernel message, render()
// on the next requestAnimationFrame, then add copy buttons), and times the main thread.
//
// Two variants, one page, fresh DOM each run:
//   incremental  IncrementalRenderer.append(delta); render() once per frame
//   naive        container.innerHTML = renderMarkdown(fullText) once per frame
//
// Per update: render() (JS, DOM building and sanitising), the glue's copy-button scan
// (incremental only: the naive variant would have to redo every button anyway), and the
// style + layout the browser would do before painting, forced here with offsetHeight so it
// is timed on its own. Long tasks and long animation frames (both >= 50 ms) are observed
// for what the timers cannot see (paint, GC).

import { IncrementalRenderer, blocksHtml, renderMarkdown } from '/renderer.js';

export async function run(variant, deltas) {
  const host = document.getElementById('host');
  host.replaceChildren();
  const root = el('div', 'gw-stream');
  const body = el('div', 'gw-body jp-RenderedHTMLCommon jp-RenderedMarkdown');
  // The renderer bundle adds this class itself from the next build on (render.js);
  // adding it here makes both variants get the answer's CSS containment either way.
  body.classList.add('gw-markdown');
  root.append(body);
  host.append(root);

  const incremental = variant === 'incremental';
  const renderer = incremental ? new IncrementalRenderer(body) : null;
  let full = '';
  const append = (delta) => {
    full += delta;
    if (incremental) renderer.append(delta);
  };
  const render = () => {
    if (incremental) renderer.render();
    else body.innerHTML = renderMarkdown(full);
  };

  const observed = observeLongWork();
  const updates = [];
  await nextFrame(); // start on a frame boundary
  for (let i = 0; i < deltas.length - 1; i++) {
    const frameStart = await nextFrame();
    append(deltas[i]);
    const t0 = performance.now();
    render();
    const t1 = performance.now();
    if (incremental) addCopyButtons(body);
    const t2 = performance.now();
    void body.offsetHeight; // style + layout now, instead of after this callback
    const t3 = performance.now();
    const update = { chars: full.length, frameStart, render: t1 - t0, scan: t2 - t1, layout: t3 - t2 };
    if (incremental) {
      const { lastCharsParsed, openChars } = renderer.stats;
      update.parsed = lastCharsParsed;
      update.open = openChars;
      // What the slow frames were re-rendering: the start of the open part.
      if (update.render > 8) update.openHead = full.slice(full.length - openChars, full.length - openChars + 60);
    }
    updates.push(update);
  }

  // The last delta arrives as a kernel message would (a task between frames); the glue
  // renders it on the next frame. Time to paint: the frame after that one has started,
  // so the one holding the render was painted (double requestAnimationFrame).
  await sleep(200);
  const appended = performance.now();
  append(deltas[deltas.length - 1]);
  const painted = await new Promise((resolve) => {
    requestAnimationFrame(() => {
      render();
      if (incremental) addCopyButtons(body);
      requestAnimationFrame(() => resolve(performance.now()));
    });
  });
  const { longTasks, longFrames } = await observed.stop();

  const rendered = body.innerHTML;
  return {
    variant,
    updates,
    lastAppendToPaint: painted - appended,
    chars: full.length,
    htmlChars: rendered.length,
    nodes: body.getElementsByTagName('*').length,
    children: body.childElementCount,
    longTasks,
    longFrames,
    stats: incremental ? renderer.stats : null,
    // Both variants must show the same document (render.js promises this identity).
    sameAsWholeRender: incremental ? stripCopyButtons(body) === renderMarkdown(full) : true,
  };
}

function observeLongWork() {
  const longTasks = [];
  const longFrames = [];
  const watching = [];
  const watch = (type, into, pick) => {
    if (!PerformanceObserver.supportedEntryTypes.includes(type)) return;
    const take = (entries) => entries.forEach((entry) => into.push(pick(entry)));
    const observer = new PerformanceObserver((list) => take(list.getEntries()));
    observer.observe({ type });
    watching.push({ observer, take });
  };
  watch('longtask', longTasks, (e) => ({ start: e.startTime, duration: e.duration }));
  watch('long-animation-frame', longFrames, (e) => ({
    start: e.startTime,
    duration: e.duration,
    // From the start of style and layout to the end of the frame (layout, paint).
    styleAndLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
    blocking: e.blockingDuration,
  }));
  return {
    async stop() {
      await sleep(100); // entries are delivered asynchronously
      for (const { observer, take } of watching) {
        take(observer.takeRecords());
        observer.disconnect();
      }
      return { longTasks, longFrames };
    },
  };
}

// The glue's scan (js/src/stream_view.js addCopyButtons), copied so its cost is timed.
function addCopyButtons(container) {
  for (const pre of container.querySelectorAll('pre:not([data-gw-copy])')) {
    pre.setAttribute('data-gw-copy', '');
    const button = el('button', 'gw-copy', 'Copy');
    button.type = 'button';
    button.title = 'Copy code';
    button.addEventListener('click', () => navigator.clipboard.writeText(pre.textContent));
    pre.append(button);
  }
}

// The answer's HTML as renderMarkdown writes it: without the glue's Copy buttons, and with
// the renderer's section groups unwrapped (blocksHtml).
function stripCopyButtons(container) {
  const copy = container.cloneNode(true);
  for (const button of copy.querySelectorAll('button.gw-copy')) button.remove();
  for (const pre of copy.querySelectorAll('pre[data-gw-copy]')) pre.removeAttribute('data-gw-copy');
  return blocksHtml(copy);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Why style + layout grows with the answer: time the layout forced by appending one
// paragraph to a container that already holds `children` paragraphs, laid out flat (as
// IncrementalRenderer appends committed blocks) or grouped 50 to a wrapper with
// `contain: layout style`. Median of 40 appends, one per frame.
export async function layoutProbe(children, mode) {
  const host = document.getElementById('host');
  host.replaceChildren();
  const body = el('div', 'gw-body gw-markdown');
  host.append(body);
  const text = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8);
  let group = null;
  const add = () => {
    const paragraph = el('p', '', text);
    if (mode === 'flat') return body.append(paragraph);
    if (!group || group.childElementCount >= 50) {
      group = el('div', '');
      group.style.contain = 'layout style';
      body.append(group);
    }
    group.append(paragraph);
  };
  for (let i = 0; i < children; i++) add();
  void body.offsetHeight;
  await nextFrame();
  const times = [];
  for (let i = 0; i < 40; i++) {
    await nextFrame();
    add();
    const t0 = performance.now();
    void body.offsetHeight;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  host.replaceChildren();
  return times[times.length >> 1];
}
