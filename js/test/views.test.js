// The anywidget glue with the answer's parts: StreamView's store and ChatView's turns and
// live reply, driven as anywidget drives them (a model, its custom messages, commands),
// in jsdom. The renderer bundle is the sources, handed to renderer_loader.js's cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandModel } from './command_model.js';
import { document } from './dom.js';

globalThis.document = document;
globalThis.requestAnimationFrame = (callback) => setTimeout(callback, 0);
globalThis.cancelAnimationFrame = (id) => clearTimeout(id);
(globalThis.__geminiWidgetsRenderers ??= new Map()).set('sources', import('../src/renderer_bundle.js'));
const { default: streamView } = await import('../src/stream_view.js');
const { default: chatView } = await import('../src/chat.js');
const { OFFSCREEN_RENDER_MS, stopAnswer, STOP_PATIENCE_MS } = await import('../src/view_parts.js');

/** An anywidget model: traits, change events, custom messages, and `_snapshot` replies. */
function fakeWidget(traits, snapshot = () => ({ text: '', thoughts: '', parts: [], annotations: null })) {
  const listeners = new Map();
  const emit = (event, ...args) => (listeners.get(event) || []).forEach((f) => f(...args));
  const asked = [];
  // Commands as anywidget's Python side answers them: a custom message back with the id.
  const reply = (name) => {
    if (name === '_renderer_bundle') return { version: 'sources', source: '', css: '' };
    return name === '_snapshot' ? snapshot() : {};
  };
  const answer = ({ id, kind, name }) => {
    if (kind !== 'anywidget-command') return;
    asked.push(name);
    const response = reply(name);
    queueMicrotask(() => emit('msg:custom', { id, kind: 'anywidget-command-response', response }, []));
  };
  const model = {
    get: (name) => traits[name],
    on: (event, f) => listeners.set(event, [...(listeners.get(event) || []), f]),
    off: (event, f) => listeners.set(event, (listeners.get(event) || []).filter((g) => g !== f)),
    send: answer,
    widget_manager: { get_model: async () => ({ get: (name) => ({ version: 'sources' })[name] }) },
  };
  return {
    model,
    asked,
    el: document.createElement('div'),
    set(name, value) {
      traits[name] = value;
      emit(`change:${name}`);
    },
    send: (message) => emit('msg:custom', message),
  };
}

const frames = () => new Promise((resolve) => setTimeout(resolve, 10));
let keys = 0;

function streamWidget(status, snapshot) {
  return fakeWidget({
    _key: `k${keys++}`, _renderer: 'IPY_MODEL_r', status, stats: {}, error: '', notice: '',
    backend: '', model_name: 'gemini-x', retry: null, can_continue: false, background: false,
  }, snapshot);
}

const call = { kind: 'call', at: 6, id: null, name: 'lookup', args: { q: 'x' } };

test('StreamView: parts stream in place; a gap in parts asks for a snapshot and goes on from it', async () => {
  const result = { kind: 'call_result', at: 6, id: null, name: 'lookup', response: { result: 1 }, error: null };
  const file = (type, at = 6) => ({ kind: 'file', at, mime_type: type, uri: null });
  const notes = (query) => ({ queries: [query], sources: [], supports: [], search_entry_point: null, urls: [], citations: [] });
  let kernel = { text: 'Hello ', thoughts: '', parts: [call, file('application/pdf')], annotations: notes('q') };
  const widget = streamWidget('streaming', () => kernel);
  streamView.initialize(widget);
  widget.send({ type: 'delta', at: 0, text: 'Hello ', parts_at: 0, parts: [call] }); // before the snapshot
  assert.deepEqual(widget.asked, ['_snapshot'], 'a model made mid-stream asks for the answer so far');
  await frames();
  await streamView.render(widget);
  await frames();
  const body = widget.el.querySelector('.gw-body');
  const kinds = () => [...body.children].map((n) => n.className.replace('gw-part ', ''));
  assert.deepEqual(kinds(), ['gw-segment gw-markdown', 'gw-call', 'gw-file', 'gw-notes']);
  assert.equal(body.querySelector('.gw-queries').textContent, 'Searched for: q');

  widget.send({ type: 'delta', at: 6, text: 'world', parts_at: 2, parts: [result] });
  widget.send({ type: 'delta', at: 11, text: '!', parts_at: 1, parts: [file('application/pdf')] });
  await frames();
  assert.equal(body.querySelector('.gw-call').dataset.state, 'done');
  assert.equal(body.querySelectorAll('.gw-file').length, 1, 'a repeated part is dropped');
  assert.deepEqual([...body.querySelectorAll('.gw-segment')].map((s) => s.textContent.trim()), ['Hello', 'world!']);

  // Part 3 went missing: the kernel's snapshot has it; the buffered delta goes on from there.
  kernel = { text: 'Hello world!', thoughts: '', parts: [call, file('application/pdf'), result, file('x/3', 12)], annotations: notes('q2') };
  widget.send({ type: 'delta', parts_at: 4, parts: [file('x/4', 12)], annotations: notes('q3') });
  assert.deepEqual(widget.asked, ['_snapshot', '_snapshot'], 'a gap asks again');
  await frames();
  assert.deepEqual(kinds(), ['gw-segment gw-markdown', 'gw-call', 'gw-file', 'gw-segment gw-markdown', 'gw-file', 'gw-file', 'gw-notes']);
  assert.deepEqual([...body.querySelectorAll('.gw-file')].map((n) => n.textContent), ['File (application/pdf)', 'File (x/3)', 'File (x/4)']);
  assert.equal(body.querySelector('.gw-queries').textContent, 'Searched for: q3');
  widget.send({ type: 'delta', annotations: null, stats: { output_tokens: 3, cached_tokens: 40, tool_use_tokens: 15 } });
  await frames();
  assert.equal(body.querySelector('.gw-notes').hidden, true);
  assert.match(widget.el.querySelector('.gw-stats').textContent, /3 out \/ 40 cached \/ 15 tool use/);
});

test('StreamView: a view made after the snapshot came (a reload) shows its numbers', async () => {
  const snapshot = { text: 'So far.', thoughts: '', parts: [], annotations: null, stats: { output_tokens: 7, time_to_first_token: 0.25 } };
  const widget = streamWidget('streaming', () => snapshot);
  streamView.initialize(widget); // the model is made: it asks for the answer so far
  await frames(); // and has it before the page gets round to rendering a view
  await streamView.render(widget);
  await frames();
  const stats = widget.el.querySelector('.gw-stats');
  assert.match(stats.textContent, /first token 0.25 s · tokens 7 out/);
  widget.set('retry', null); // a trait change re-shows the bar: the live numbers stay
  assert.match(stats.textContent, /7 out/);
});

test('StreamView: an unanswered call reads "not called" once the answer is done', async () => {
  const widget = streamWidget('idle');
  streamView.initialize(widget);
  await streamView.render(widget);
  widget.set('status', 'streaming');
  widget.send({ type: 'delta', at: 0, text: 'Asking.', parts_at: 0, parts: [{ ...call, at: 7 }] });
  await frames();
  const card = widget.el.querySelector('.gw-call');
  assert.equal(card.dataset.state, 'pending');
  widget.set('status', 'done');
  await frames();
  assert.equal(card.dataset.state, 'not-called');
});

test('StreamView: a page that cannot reach the shared renderer asks its view for the bundle', async () => {
  const widget = streamWidget('idle');
  widget.model.widget_manager = { get_model: async () => { throw new Error('model not found'); } };
  streamView.initialize(widget);
  await streamView.render(widget);
  assert.deepEqual(widget.asked, ['_renderer_bundle']);
  widget.set('status', 'streaming');
  widget.send({ type: 'delta', at: 0, text: 'Rendered **here**.' });
  await frames();
  assert.equal(widget.el.querySelector('.gw-body strong').textContent, 'here');
  const bare = streamWidget('idle'); // no widget manager at all (not every host has one)
  delete bare.model.widget_manager;
  await streamView.render(bare);
  assert.deepEqual(bare.asked, ['_renderer_bundle']);
});

/** A kernel busy with the streaming cell: a command is never answered, only given up on. */
const busyKernel = () => commandModel({ reply: null });

test('Stop: a background stream by message, no kernel handle needed; a running cell by interrupt', async () => {
  const asked = [];
  const reply = (name, payload) => asked.push([name, payload]) && {};
  let interrupts = 0;
  const manager = { kernel: { interrupt: async () => (interrupts += 1) } };
  const reading = commandModel({ reply });
  const withHandle = commandModel({ reply, widget_manager: manager });
  const args = { command: '_act', payload: { action: 'stop' } };
  // A task in the kernel, no kernel handle at all (as in VS Code, Colab, marimo): a message.
  assert.equal(await stopAnswer({ model: reading, background: true, ...args }), 'stopped');
  assert.deepEqual(asked, [['_act', { action: 'stop' }]]);
  assert.equal(await stopAnswer({ model: withHandle, background: true, ...args }), 'stopped');
  assert.equal(interrupts, 0, 'a kernel that reads the message is not interrupted');
  // A running cell reads no message: interrupt where the page gives a handle, else a hint.
  assert.equal(await stopAnswer({ model: withHandle, background: false, ...args }), 'interrupted');
  assert.equal(asked.length, 2, 'no message that would only be read when the cell ends');
  assert.equal(await stopAnswer({ model: busyKernel(), background: false, ...args }), 'hint');
  const failing = commandModel({
    reply: null, widget_manager: { kernel: { interrupt: async () => { throw new Error('gone'); } } },
  });
  assert.equal(await stopAnswer({ model: failing, background: false, ...args }), 'hint');
  // A background flag that went stale (a cell started meanwhile): the message times out first.
  const started = Date.now();
  assert.equal(await stopAnswer({ model: commandModel({ reply: null, widget_manager: manager }), background: true, ...args }), 'interrupted');
  assert.ok(Date.now() - started >= STOP_PATIENCE_MS - 50, 'the message had its chance first');
});

test('StreamView: Stop on a background stream with no kernel handle sends the stop message', async () => {
  const widget = streamWidget('streaming');
  widget.set('background', true);
  streamView.initialize(widget);
  await streamView.render(widget);
  const stop = widget.el.querySelector('.gw-stop');
  assert.equal(stop.hidden, false);
  stop.click();
  await frames();
  assert.deepEqual(widget.asked.filter((name) => name !== '_snapshot'), ['_stop_command']);
  assert.equal(widget.el.querySelector('.gw-hint').hidden, true);
});

test('StreamView: a long answer whose end is off screen renders at most every OFFSCREEN_RENDER_MS while it streams, its numbers every frame', async (t) => {
  const observers = [];
  globalThis.IntersectionObserver = class {
    constructor(callback) {
      this.callback = callback;
      observers.push(this);
    }
    observe(node) {
      this.node = node;
    }
    disconnect() {}
  };
  t.after(() => delete globalThis.IntersectionObserver);
  // Fake timers and clock: the test says when time passes, so no wall-clock bound is asserted.
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  const frame = async () => {
    t.mock.timers.tick(0);
    for (let i = 0; i < 10; i++) await new Promise(setImmediate);
  };
  const show = (widget, onScreen) => observers.find((o) => widget.el.contains(o.node)).callback([{ isIntersecting: onScreen }]);
  // The last word shown (the answer is 16 KB: an assertion message would print all of it).
  const last = (widget) => widget.el.querySelector('.gw-body').textContent.trim().split(/\s+/).at(-1);

  const widget = streamWidget('streaming');
  streamView.initialize(widget);
  await frame();
  await streamView.render(widget);
  await frame();
  assert.equal(observers.at(-1).node, widget.el.lastElementChild, 'the watched node ends the view');
  show(widget, false);
  const long = `${'lorem ipsum '.repeat(1365)}END\n`; // LONG_ANSWER_CHARS (16 KB) exactly
  widget.send({ type: 'delta', at: 0, text: long });
  await frame();
  assert.equal(last(widget), '', `held: the last render was under ${OFFSCREEN_RENDER_MS} ms ago`);
  widget.send({ type: 'delta', annotations: null, stats: { output_tokens: 4096 } });
  await frame();
  assert.match(widget.el.querySelector('.gw-stats').textContent, /4096 out/, 'the numbers are not held');
  assert.equal(last(widget), '', 'the text is');
  t.mock.timers.tick(OFFSCREEN_RENDER_MS - 1);
  await frame();
  assert.equal(last(widget), '');
  t.mock.timers.tick(1);
  await frame();
  assert.equal(last(widget), 'END');

  widget.send({ type: 'delta', at: long.length, text: 'MORE\n' });
  await frame();
  assert.equal(last(widget), 'END');
  show(widget, true); // the reader scrolled to the end: at once
  await frame();
  assert.equal(last(widget), 'MORE');
  widget.send({ type: 'delta', at: long.length + 5, text: 'AGAIN\n' });
  await frame();
  assert.equal(last(widget), 'AGAIN', 'on screen, every frame');

  show(widget, false);
  widget.send({ type: 'delta', at: long.length + 11, text: 'LAST\n' });
  await frame();
  assert.equal(last(widget), 'AGAIN');
  widget.set('status', 'done'); // the stream's end renders at once, wherever it is
  await frame();
  assert.equal(last(widget), 'LAST');

  const short = streamWidget('streaming');
  streamView.initialize(short);
  await frame();
  await streamView.render(short);
  await frame();
  show(short, false);
  short.send({ type: 'delta', at: 0, text: 'A short answer.\n' });
  await frame();
  short.send({ type: 'delta', at: 16, text: 'Still short.\n' });
  await frame();
  assert.equal(last(short), 'short.', 'a short answer renders every frame, on screen or not');
});

test('StreamView: Stop on a running cell with no kernel handle says how to stop', async () => {
  const widget = streamWidget('streaming');
  streamView.initialize(widget);
  await streamView.render(widget);
  widget.el.querySelector('.gw-stop').click();
  await frames();
  assert.deepEqual(widget.asked.filter((name) => name !== '_snapshot'), []);
  const hint = widget.el.querySelector('.gw-hint');
  assert.equal(hint.hidden, false);
  assert.match(hint.textContent, /Kernel → Interrupt/);
  assert.match(hint.textContent, /the running cell's stop button/);
  assert.match(hint.textContent, /The partial answer is kept/);

  // Where an interrupt replaces the cell's output (the kernel says so), the hint says how to
  // stop and keep the answer instead of promising it is kept.
  const replaced = streamWidget('streaming');
  replaced.set('interrupt_keeps_view', false);
  streamView.initialize(replaced);
  await streamView.render(replaced);
  replaced.el.querySelector('.gw-stop').click();
  await frames();
  const told = replaced.el.querySelector('.gw-hint').textContent;
  assert.match(told, /Kernel → Interrupt/);
  assert.match(told, /replaces this output with the interruption; to stop and keep the answer, run it with background=True/);
  assert.doesNotMatch(told, /is kept/);
});

const turn = (fields) => ({
  message: 'Hi', attachments: [], reply: '', thoughts: '', parts: [], annotations: null, status: 'done',
  notice: '', error: '', stats: {}, recorded: true, can_continue: false, ...fields,
});

test('ChatView: each turn shows its parts and annotations; the live reply applies delta parts', async () => {
  const widget = fakeWidget({
    _renderer: 'IPY_MODEL_r', model_name: 'gemini-x', backend: '', busy: false, background: true,
    turns: [turn({
      reply: '😀 Paris is the capital. Done.',
      parts: [{ kind: 'code', at: 24, language: 'PYTHON', code: 'print(1)' }, { kind: 'code_result', at: 24, outcome: 'OUTCOME_OK', output: '1' }],
      annotations: {
        queries: [], sources: [{ title: 'Wiki', uri: 'https://w.org/p', domain: 'w.org' }],
        supports: [{ start: 0, end: 23, sources: [0] }], search_entry_point: null, urls: [], citations: [],
      },
    })],
  });
  await chatView.render(widget);
  const reply = widget.el.querySelector('.gw-message.gw-model .gw-body');
  assert.deepEqual([...reply.children].map((n) => n.className.split(' ')[1] ?? n.className), [
    'gw-markdown', 'gw-code-run', 'gw-markdown', 'gw-notes',
  ]);
  assert.equal(reply.querySelector('.gw-segment').textContent.trim(), '😀 Paris is the capital.[1]');
  assert.ok(reply.querySelector('.gw-code-run pre .gw-copy'), 'code the model ran has a Copy button');

  // A reply resumed mid-stream starts with what it has, then takes deltas.
  widget.set('busy', true);
  widget.send({ type: 'reply_start', text: 'Calling', thoughts: '', parts: [], annotations: null });
  widget.send({ type: 'delta', at: 7, text: ' now.', parts_at: 0, parts: [{ kind: 'call', at: 7, id: 'a', name: 'f', args: {} }] });
  widget.send({ type: 'delta', parts_at: 1, parts: [{ kind: 'call_result', at: 12, id: 'a', name: 'f', response: {}, error: 'boom' }] });
  await frames();
  const live = widget.el.querySelector('.gw-message.gw-model[data-status="streaming"] .gw-body');
  assert.deepEqual([...live.querySelectorAll('.gw-segment')].map((s) => s.textContent.trim()), ['Calling', 'now.']);
  assert.equal(live.querySelector('.gw-call').dataset.state, 'error');
  assert.equal(live.querySelector('.gw-call-error').textContent, 'boom');
});

test('ChatView: the header shows what the replies cost so far, and nothing when unknown', async () => {
  const widget = fakeWidget({
    _renderer: 'IPY_MODEL_r', model_name: 'gemini-x', backend: '', busy: false, background: true,
    cost: null, turns: [turn({ reply: 'Hi.', stats: { output_tokens: 2, cost: 0.000031 } })],
  });
  await chatView.render(widget);
  const total = widget.el.querySelector('.gw-chat-cost');
  assert.equal(total.hidden, true);
  assert.match(widget.el.querySelector('.gw-turn-stats').textContent, /≈ \$0\.000031/);
  widget.set('cost', 0.0042);
  assert.equal(total.hidden, false);
  assert.equal(total.textContent, '≈ $0.0042 so far');
});
