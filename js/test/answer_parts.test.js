// An answer is text and parts in the order they came, plus annotations: what the user sees
// for each, and that nothing in them (all of it from the model, a tool or search) runs
// script or makes the browser fetch anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { document, window } from './dom.js';
import { AnswerBody } from '../src/answer_parts.js';
import { SEARCH_ENTRY_CSP } from '../src/grounding.js';
import { StreamedText } from '../src/streamed_text.js';
import { addCopyButtons, formatCost, formatStats } from '../src/view_parts.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function answer() {
  const container = document.createElement('div');
  return { container, body: new AnswerBody(container, { document }) };
}

/** The answer's children as [kind, text]: 'text' for a segment, the part's class otherwise. */
function layout(container) {
  return [...container.children]
    .filter((node) => !node.classList.contains('gw-notes'))
    .map((node) => [
      node.classList.contains('gw-segment') ? 'text' : [...node.classList].find((c) => c !== 'gw-part'),
      node.textContent.trim(),
    ]);
}

/** Apply delta messages the way the views do: StreamedText, then the answer body. */
function streamInto(body, messages) {
  const streamed = new StreamedText();
  for (const message of messages) {
    const added = streamed.apply(message);
    assert.notEqual(added, null, `gap at ${JSON.stringify(message)}`);
    body.append(added.text, added.parts);
    if ('annotations' in added) body.annotate(added.annotations);
    body.render();
  }
  return streamed;
}

test('parts inside a text delta go between the text before and after them', () => {
  const { container, body } = answer();
  streamInto(body, [
    { type: 'delta', at: 0, text: 'Let me compute' },
    {
      type: 'delta', at: 14, text: ' it.\nThe answer is 4.',
      parts_at: 0,
      parts: [
        { kind: 'code', at: 18, language: 'PYTHON', code: 'print(2 + 2)' },
        { kind: 'code_result', at: 18, outcome: 'OUTCOME_OK', output: '4\n' },
      ],
    },
    { type: 'delta', at: 35, text: ' Done.', parts_at: 2, parts: [{ kind: 'file', at: 41, mime_type: 'application/pdf', uri: null }] },
  ]);
  assert.deepEqual(layout(container), [
    ['text', 'Let me compute it.'],
    ['gw-code-run', 'Code the model ran pythonprint(2 + 2)Output ok4'],
    ['text', 'The answer is 4. Done.'],
    ['gw-file', 'File (application/pdf)'],
  ]);
  const code = container.querySelector('.gw-code-run code');
  assert.equal(code.className, 'hljs language-python');
  assert.ok(code.querySelector('.hljs-built_in'), 'the code is highlighted');
  assert.equal(container.querySelector('.gw-output').textContent, '4\n');
});

test('a finished segment is not rendered again, and each render writes only what changed', () => {
  const { container, body } = answer();
  body.append('First paragraph.\n\nSecond', [{ kind: 'image', at: 24, mime_type: 'image/png', data: PNG }]);
  assert.equal(container.children.length, 1, 'nothing is attached before render()');
  assert.equal(body.render(), true);
  const [first] = container.querySelectorAll('.gw-segment p');
  body.append(' and more text after the image');
  body.render();
  body.append(', still more');
  body.render();
  assert.equal(container.querySelectorAll('.gw-segment p')[0], first, 'the first segment was re-rendered');
  assert.equal(body.render(), false);
  assert.deepEqual(layout(container).map(([kind]) => kind), ['text', 'gw-image', 'text']);
});

test('offsets count code points, as Python does: text after an emoji is not lost', () => {
  const streamed = new StreamedText();
  assert.deepEqual(streamed.apply({ at: 0, text: 'Hi 😀' }).text, 'Hi 😀');
  assert.deepEqual(streamed.apply({ at: 4, text: ' there' }).text, ' there'); // len('Hi 😀') == 4
  assert.deepEqual(streamed.apply({ at: 3, text: '😀 there!' }).text, '!'); // a repeat is dropped
  assert.equal(streamed.apply({ at: 12, text: 'x' }), null); // a gap
  assert.equal(streamed.text, 'Hi 😀 there!');

  const { container, body } = answer();
  body.append('🚀🚀 go', [{ kind: 'file', at: 2, mime_type: 'text/csv', uri: 'gs://b/f.csv' }]);
  body.render();
  assert.deepEqual(layout(container), [['text', '🚀🚀'], ['gw-file', 'File (text/csv): gs://b/f.csv'], ['text', 'go']]);
});

test('a repeated part is dropped; a gap in parts applies nothing and reports null', () => {
  const streamed = new StreamedText();
  const part = (i) => ({ kind: 'file', at: 0, mime_type: `type/${i}`, uri: null });
  assert.deepEqual(streamed.apply({ parts_at: 0, parts: [part(0), part(1)] }).parts, [part(0), part(1)]);
  assert.deepEqual(streamed.apply({ parts_at: 1, parts: [part(1), part(2)] }).parts, [part(2)]);
  assert.deepEqual(streamed.apply({ parts_at: 0, parts: [part(0)] }).parts, []);
  assert.equal(streamed.apply({ at: 0, text: 'a', parts_at: 5, parts: [part(5)] }), null);
  assert.equal(streamed.text, '', 'text of a message with a gap is not applied either');
  assert.equal(streamed.parts.length, 3);
  const annotated = streamed.apply({ annotations: { queries: ['q'] } });
  assert.deepEqual(annotated.annotations, { queries: ['q'] });
  assert.equal('annotations' in streamed.apply({ at: 0, text: 'b' }), false, 'no annotations key: unchanged');
  assert.deepEqual(streamed.annotations, { queries: ['q'] });
});

test('a tool card reads "calling" until its result, then the result or the error', () => {
  const { container, body } = answer();
  body.setStatus('streaming');
  body.append('', [
    { kind: 'call', at: 0, id: null, name: 'weather', args: { city: 'Paris' } },
    { kind: 'call', at: 0, id: null, name: 'weather', args: { city: 'Oslo' } },
    { kind: 'call', at: 0, id: 'c3', name: 'lookup', args: { q: 'x'.repeat(80) } },
  ]);
  body.render();
  const cards = () => [...container.querySelectorAll('.gw-call')];
  assert.deepEqual(cards().map((c) => c.dataset.state), ['pending', 'pending', 'pending']);
  assert.equal(cards()[0].querySelector('.gw-part-label').textContent, 'calling weather(city="Paris")');
  assert.ok(cards()[0].querySelector('.gw-spinner'));
  assert.match(cards()[2].querySelector('.gw-part-label').textContent, /^calling lookup\(…\)$/);
  assert.equal(JSON.parse(cards()[2].querySelector('.gw-call-args pre').textContent).q.length, 80);

  // No ids: the earliest unanswered call of that name; the result is pretty JSON.
  body.append('', [{ kind: 'call_result', at: 0, id: null, name: 'weather', response: { result: { temp: 21 } }, error: null }]);
  body.render();
  assert.deepEqual(cards().map((c) => c.dataset.state), ['done', 'pending', 'pending']);
  assert.equal(cards()[0].querySelector('.gw-call-result pre').textContent, '{\n  "temp": 21\n}');
  body.append('', [
    { kind: 'call_result', at: 0, id: 'c3', name: 'lookup', response: null, error: 'KeyError: x' },
    { kind: 'call_result', at: 0, id: null, name: 'weather', response: { result: 'cold' }, error: null },
  ]);
  body.render();
  assert.deepEqual(cards().map((c) => c.dataset.state), ['done', 'done', 'error']);
  assert.equal(cards()[2].querySelector('.gw-call-error').textContent, 'KeyError: x');
  assert.equal(cards()[2].querySelector('.gw-call-state').textContent, 'failed');
  assert.equal(cards().length, 3, 'results join their calls instead of adding cards');
});

test('a call with no result is "not called" once the answer is done, pending again if it goes on', () => {
  const { container, body } = answer();
  body.setStatus('streaming');
  body.append('Checking.', [{ kind: 'call', at: 9, id: 'a', name: 'send_mail', args: {} }]);
  body.render();
  const card = container.querySelector('.gw-call');
  assert.equal(card.dataset.state, 'pending');
  body.setStatus('done');
  body.render();
  assert.equal(card.dataset.state, 'not-called');
  assert.equal(card.querySelector('.gw-call-state').textContent, 'not called');
  body.setStatus('streaming');
  body.render();
  assert.equal(card.dataset.state, 'pending');
  body.setStatus('stopped');
  body.render();
  assert.equal(card.querySelector('.gw-call-state').textContent, 'no result');
  // A result whose call is not in this answer still shows.
  body.append('', [{ kind: 'call_result', at: 9, id: 'zz', name: 'other', response: { ok: true }, error: null }]);
  body.render();
  assert.equal(container.querySelectorAll('.gw-call').length, 2);
  assert.equal(container.querySelectorAll('.gw-call')[1].dataset.state, 'done');
});

test('code outcomes show as badges, and code gets the Copy button the views add', () => {
  const { container, body } = answer();
  body.append('', [
    { kind: 'code', at: 0, language: 'PYTHON', code: '1/0' },
    { kind: 'code_result', at: 0, outcome: 'OUTCOME_FAILED', output: 'ZeroDivisionError' },
    { kind: 'code', at: 0, language: 'PYTHON', code: 'while True: pass' },
    { kind: 'code_result', at: 0, outcome: 'OUTCOME_DEADLINE_EXCEEDED', output: '' },
    { kind: 'code_result', at: 0, outcome: 'OUTCOME_SOMETHING_NEW', output: 'alone' },
  ]);
  body.render();
  const outcomes = [...container.querySelectorAll('.gw-outcome')].map((b) => b.textContent);
  assert.deepEqual(outcomes, ['failed', 'deadline exceeded', 'something new']);
  assert.equal(container.querySelectorAll('.gw-code-run').length, 3);
  assert.equal(container.querySelectorAll('.gw-output').length, 2, 'empty output shows no box');
  globalThis.document = document; // view_parts.js makes its buttons in the page's document
  try {
    addCopyButtons(container);
  } finally {
    delete globalThis.document;
  }
  assert.equal(container.querySelectorAll('.gw-code-run .gw-code pre > .gw-copy').length, 2);
});

test('an image shows only from an allowed image type and valid base64', () => {
  const cases = [
    [{ mime_type: 'image/png', data: PNG }, `data:image/png;base64,${PNG}`],
    [{ mime_type: 'IMAGE/JPEG', data: 'AAAA' }, 'data:image/jpeg;base64,AAAA'],
    [{ mime_type: 'image/webp', data: 'ab-_' }, 'data:image/webp;base64,ab+/'], // URL-safe
    [{ mime_type: 'image/gif', data: 'AAA' }, 'data:image/gif;base64,AAA='], // unpadded
    [{ mime_type: 'image/svg+xml', data: 'PHN2Zz48L3N2Zz4=' }, null],
    [{ mime_type: 'text/html', data: 'PHNjcmlwdD4=' }, null],
    [{ mime_type: 'image/png;charset=x', data: 'AAAA' }, null],
    [{ mime_type: 'image/png', data: 'AAAA" onerror="alert(1)' }, null],
    [{ mime_type: 'image/png', data: 'AA AA' }, null],
    [{ mime_type: 'image/png', data: 'A' }, null],
    [{ mime_type: 'image/png', data: '' }, null],
    [{ mime_type: 'image/png', data: 'https://e.org/x.png' }, null],
    [{ mime_type: 'image/png', data: null }, null],
  ];
  for (const [part, src] of cases) {
    const { container, body } = answer();
    body.append('', [{ kind: 'image', at: 0, ...part }]);
    body.render();
    const images = container.querySelectorAll('img');
    if (src === null) {
      assert.equal(images.length, 0, JSON.stringify(part));
      assert.match(container.textContent, /Image not shown/);
    } else {
      assert.equal(images.length, 1, JSON.stringify(part));
      assert.equal(images[0].getAttribute('src'), src);
    }
  }
});

// Sources and a support from Python: offsets are code points of the answer text.
function grounded(supports) {
  return {
    queries: ['capital of France'],
    sources: [
      { title: 'Paris - Wikipedia', uri: 'https://en.wikipedia.org/wiki/Paris', domain: 'wikipedia.org' },
      { title: 'Britannica', uri: 'https://www.britannica.com/place/Paris', domain: 'britannica.com' },
    ],
    supports,
  };
}

/** The rendered text with each marker shown as its text, e.g. "Paris.[1][2] Berlin". */
function withMarkers(container) {
  return [...container.querySelectorAll('.gw-segment')].map((s) => s.textContent.trim()).join('|');
}

test('citation markers go at the end of each supported span, after an emoji and in CJK', () => {
  const text = '😀 Paris is the capital of France. 🇫🇷 It has 2.1 million people.';
  const end1 = [...'😀 Paris is the capital of France.'].length;
  const { container, body } = answer();
  body.append(text);
  body.annotate(grounded([
    { start: 2, end: end1, sources: [0] },
    { start: end1 + 1, end: [...text].length, sources: [1, 0] },
  ]));
  body.render();
  assert.equal(withMarkers(container), '😀 Paris is the capital of France.[1] 🇫🇷 It has 2.1 million people.[1][2]');
  const link = container.querySelector('.gw-cite a');
  assert.equal(link.getAttribute('href'), 'https://en.wikipedia.org/wiki/Paris');
  assert.equal(link.getAttribute('target'), '_blank');
  assert.equal(link.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(link.title, 'Paris - Wikipedia');

  const cjk = '東京は日本の首都です。𠮷野家もあります。';
  const { container: c2, body: b2 } = answer();
  b2.append(cjk);
  b2.annotate(grounded([{ start: 0, end: 11, sources: [1] }, { start: 11, end: [...cjk].length, sources: [0] }]));
  b2.render();
  assert.equal(withMarkers(c2), '東京は日本の首都です。[2]𠮷野家もあります。[1]');
});

test('a support that names no known source puts no marker, or only the known ones', () => {
  const text = 'One. Two.';
  const { container, body } = answer();
  body.append(text);
  body.annotate(grounded([{ start: 0, end: 4, sources: [100] }, { start: 5, end: 9, sources: [7, 1] }]));
  body.render();
  assert.equal(withMarkers(container), 'One. Two.[2]');
  assert.equal(container.querySelectorAll('.gw-cite').length, 1);
});

test('markers follow Markdown to the right place, never inside code or a link', () => {
  const text =
    'The **capital** is Paris. Use `paris.lookup()` to check. See [the city page](https://e.org/paris).\n\n' +
    '```python\nprint("Paris")\n```\n\nEnd.';
  const endOf = (s) => [...text.slice(0, text.indexOf(s) + s.length)].length;
  const { container, body } = answer();
  body.append(text);
  body.annotate(grounded([
    { start: 0, end: endOf('Paris.'), sources: [0] },
    { start: 0, end: endOf('paris.look'), sources: [1] }, // inside inline code
    { start: 0, end: endOf('the city'), sources: [0] }, // inside link text
    { start: 0, end: endOf('https://e.org/pa'), sources: [1] }, // inside the link's URL
    { start: 0, end: endOf('print("Pa'), sources: [0] }, // inside a code block
  ]));
  body.render();
  const paragraph = container.querySelector('p');
  assert.equal(
    paragraph.textContent,
    'The capital is Paris.[1] Use paris.lookup()[2] to check. See the city page[1][2].',
  );
  for (const marker of container.querySelectorAll('.gw-cite')) {
    assert.equal(marker.closest('a:not(.gw-cite a), code, pre'), null, 'a marker inside code or a link');
  }
  assert.equal(container.querySelector('.gw-code').nextSibling.className, 'gw-cite');
  assert.equal(container.querySelector('code').textContent, 'paris.lookup()');
});

test('markers are placed across parts, replaced with new annotations, and kept while text streams', () => {
  const { container, body } = answer();
  body.append('Before the run.', [{ kind: 'code', at: 15, language: 'PYTHON', code: 'x = 1' }]);
  body.append(' After the run.');
  body.annotate(grounded([{ start: 16, end: 30, sources: [1] }]));
  body.render();
  assert.equal(withMarkers(container), 'Before the run.|After the run.[2]');
  body.annotate(grounded([{ start: 0, end: 15, sources: [0] }]));
  body.render();
  assert.equal(withMarkers(container), 'Before the run.[1]|After the run.');
  // Grounding that arrives while the answer streams: the open block re-renders.
  body.annotate(grounded([{ start: 16, end: 40, sources: [0] }]));
  body.append(' More text');
  body.render();
  assert.equal(withMarkers(container), 'Before the run.|After the run. More text[1]');
  body.append(' and more.');
  body.render();
  assert.equal(withMarkers(container), 'Before the run.|After the run. More text[1] and more.');
  assert.equal(container.querySelectorAll('.gw-cite').length, 1);
});

test('notes list the queries, the numbered sources, fetched URLs and quoted sources', () => {
  const { container, body } = answer();
  body.append('Text.');
  body.annotate({
    ...grounded([]),
    sources: [
      { title: 'Paris - Wikipedia', uri: 'https://en.wikipedia.org/wiki/Paris', domain: 'wikipedia.org' },
      { title: null, uri: 'ftp://files.example/x', domain: 'files.example' },
    ],
    urls: [
      { url: 'https://example.com/a', status: 'URL_RETRIEVAL_STATUS_SUCCESS' },
      { url: 'file:///etc/passwd', status: 'URL_RETRIEVAL_STATUS_UNSAFE' },
    ],
    citations: [{ start: 0, end: 4, uri: 'https://github.com/x/y', title: null, license: 'MIT' }],
  });
  body.render();
  const notes = container.querySelector('.gw-notes');
  assert.equal(notes.hidden, false);
  assert.equal(notes.querySelector('.gw-queries').textContent, 'Searched for: capital of France');
  const sources = [...notes.querySelectorAll('.gw-source-list li')];
  assert.deepEqual(sources.map((li) => li.textContent), ['Paris - Wikipedia wikipedia.org', 'files.example']);
  assert.equal(sources[0].querySelector('a').getAttribute('href'), 'https://en.wikipedia.org/wiki/Paris');
  assert.equal(sources[1].querySelector('a'), null, 'only http(s) becomes a link');
  const urls = [...notes.querySelectorAll('.gw-url-list li')];
  assert.deepEqual(urls.map((li) => li.textContent), ['https://example.com/a success', 'file:///etc/passwd unsafe']);
  assert.equal(urls[1].querySelector('a'), null);
  assert.equal(notes.querySelector('.gw-citations').textContent, 'Sources quotedhttps://github.com/x/y (MIT)');
  body.annotate(null);
  body.render();
  assert.equal(notes.hidden, true);
});

test('Search Suggestions show as provided, in a sandboxed frame that cannot script or fetch', () => {
  const chip =
    '<style>.container { display: flex; } .chip { border-radius: 16px; }</style>' +
    '<div class="container"><div class="headline"><svg width="18" height="18" viewBox="9 9 35 35"><path d="M42 27" fill="#4285F4"/></svg></div>' +
    '<div class="carousel"><a class="chip" href="https://www.google.com/search?q=capital+of+france">capital of france</a></div></div>';
  const { container, body } = answer();
  body.append('Text.');
  body.annotate({ ...grounded([]), search_entry_point: chip });
  body.render();
  const frame = container.querySelector('iframe.gw-search-entry');
  assert.equal(frame.getAttribute('sandbox'), 'allow-popups allow-popups-to-escape-sandbox');
  assert.equal(frame.hasAttribute('src'), false);
  const srcdoc = frame.getAttribute('srcdoc');
  assert.ok(srcdoc.startsWith(`<meta http-equiv="Content-Security-Policy" content="${SEARCH_ENTRY_CSP}"><base target="_blank">`));
  assert.equal(SEARCH_ENTRY_CSP, "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
  const inner = parseDocument(srcdoc);
  assert.match(inner.querySelector('style').textContent, /\.chip \{ border-radius: 16px; \}/);
  assert.equal(inner.querySelector('a.chip').getAttribute('href'), 'https://www.google.com/search?q=capital+of+france');
  assert.ok(inner.querySelector('svg path[d="M42 27"]'), 'the logo stays');
  // The same chip in new annotations keeps its frame (no reload, no flicker).
  body.annotate({ ...grounded([]), queries: ['another'], search_entry_point: chip });
  body.render();
  assert.equal(container.querySelector('iframe.gw-search-entry'), frame);
});

const XSS = '<img src=x onerror=alert(1)><script>alert(1)</script>';

test('script, handlers and fetching elements from any field never reach the page or the frame', () => {
  const { container, body } = answer();
  body.setStatus('done');
  body.append(`Text ${XSS} [x](javascript:alert(1)).`, [
    { kind: 'code', at: 3, language: 'python"><img src=x onerror=alert(1)>', code: `</code>${XSS}` },
    { kind: 'code_result', at: 3, outcome: `<b onmouseover=alert(1)>`, output: XSS },
    { kind: 'code', at: 3, language: 'HTML', code: XSS },
    { kind: 'image', at: 3, mime_type: 'image/svg+xml', data: 'PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+' },
    { kind: 'image', at: 3, mime_type: 'image/png', data: 'x" onerror="alert(1)' },
    { kind: 'file', at: 3, mime_type: XSS, uri: 'javascript:alert(1)' },
    { kind: 'call', at: 3, id: XSS, name: XSS, args: { html: XSS, [XSS]: 1, long: 'x'.repeat(99) } },
    { kind: 'call_result', at: 3, id: XSS, name: XSS, response: { html: XSS }, error: null },
    { kind: 'call', at: 3, id: null, name: 'f', args: {} },
    { kind: 'call_result', at: 3, id: null, name: 'f', response: null, error: XSS },
    { kind: `<script>alert(1)</script>`, at: 3 },
  ]);
  body.annotate({
    queries: [XSS],
    sources: [
      { title: XSS, uri: 'javascript:alert(1)', domain: `${XSS}.org` },
      { title: 'data', uri: 'data:text/html,<script>alert(1)</script>', domain: null },
      { title: 'ok', uri: 'https://e.org/"><script>alert(1)</script>', domain: XSS },
    ],
    supports: [{ start: 0, end: 4, sources: [0, 1, 2, 7] }],
    search_entry_point:
      `${XSS}<a href="javascript:alert(1)">x</a><iframe src="https://e.org"></iframe>` +
      '<img src="https://e.org/pixel.png"><svg><image href="https://e.org/i.png"/><a href="https://e.org">s</a></svg>' +
      '<div style="background:url(https://e.org/t.png)">x</div><link rel="prefetch" href="https://e.org/p">' +
      '<style>@import url(https://e.org/x.css); body { background: url(https://e.org/b.png) }</style>' +
      '<meta http-equiv="refresh" content="0;url=https://e.org"><base href="https://e.org/">' +
      '<form action="https://e.org"><input name="p"></form><object data="https://e.org/x"></object>',
    urls: [{ url: 'javascript:alert(1)', status: XSS }],
    citations: [{ start: 0, end: 1, uri: 'vbscript:x', title: XSS, license: XSS }],
  });
  body.render();
  assertInert(container, 'answer');
  const frames = container.querySelectorAll('iframe');
  assert.equal(frames.length, 1);
  const srcdoc = frames[0].getAttribute('srcdoc');
  assert.doesNotMatch(srcdoc, /<script|onerror|onload|javascript:|https:\/\/e\.org\/(pixel|i\.png|t\.png|x\.css|b\.png|p")/i);
  const inner = parseDocument(srcdoc);
  assertInert(inner.body, 'search entry frame');
  const metas = [...inner.querySelectorAll('meta')];
  assert.deepEqual(metas.map((m) => m.getAttribute('http-equiv')), ['Content-Security-Policy']);
  const bases = [...inner.querySelectorAll('base')];
  assert.equal(bases.length, 1);
  assert.equal(bases[0].hasAttribute('href'), false);
  for (const style of inner.querySelectorAll('style')) assert.doesNotMatch(style.textContent, /url\(|@import/);
  // What the model wrote is there, as text.
  assert.ok(container.querySelector('.gw-call-name').textContent.startsWith(XSS));
  assert.equal(container.querySelector('.gw-output').textContent, XSS);
  assert.equal(container.querySelector('.gw-source-list li').textContent, `${XSS} ${XSS}.org`);
});

function parseDocument(html) {
  return new window.DOMParser().parseFromString(html, 'text/html');
}

// Nothing runs script; nothing fetches by itself: the only src is an allowed data: image,
// the only frame is the sandboxed srcdoc one, links are http(s) only.
function assertInert(root, label) {
  const FORBIDDEN = ['script', 'object', 'embed', 'form', 'input', 'link', 'meta', 'base', 'frame', 'video', 'audio', 'source', 'image', 'feimage'];
  for (const el of root.querySelectorAll('*')) {
    const name = el.localName.toLowerCase();
    assert.ok(!FORBIDDEN.includes(name), `${label}: <${name}> survived`);
    if (name === 'iframe') {
      assert.equal(el.getAttribute('sandbox'), 'allow-popups allow-popups-to-escape-sandbox', label);
      assert.ok(el.hasAttribute('srcdoc') && !el.hasAttribute('src'), `${label}: a frame that loads`);
    }
    if (name === 'style') assert.doesNotMatch(el.textContent, /url\(|@import/i, `${label}: a style that fetches`);
    for (const { name: attr, value } of el.attributes) {
      assert.ok(!/^on/i.test(attr), `${label}: ${attr} on <${name}>`);
      assert.ok(!['srcset', 'poster', 'background', 'ping', 'action', 'formaction', 'data'].includes(attr), `${label}: ${attr} on <${name}>`);
      if (attr === 'src') {
        assert.equal(name, 'img', `${label}: src on <${name}>`);
        assert.match(value, /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}$/, `${label}: img src=${value}`);
      }
      if (/href$/i.test(attr)) {
        assert.equal(name, 'a', `${label}: ${attr} on <${name}>`);
        assert.match(value, /^https?:\/\//i, `${label}: ${attr}=${value}`);
      }
      if (attr === 'style') assert.doesNotMatch(value, /url\(/i, `${label}: style=${value}`);
    }
  }
}

test('the status line shows cached and tool-use tokens when there are some', () => {
  const stats = { prompt_tokens: 10, output_tokens: 20, thought_tokens: 120, cached_tokens: 40, tool_use_tokens: 15 };
  assert.equal(formatStats(stats, 'gemini-x'), 'gemini-x · tokens 10 in / 20 out / 120 thinking / 40 cached / 15 tool use');
  assert.equal(formatStats({ ...stats, cached_tokens: 0, tool_use_tokens: null }, ''), 'tokens 10 in / 20 out / 120 thinking');
});

test('the status line shows the estimated cost, and nothing when it is unknown', () => {
  const stats = { prompt_tokens: 10, output_tokens: 20, elapsed: 1.25 };
  assert.equal(formatStats({ ...stats, cost: 0.00123 }, 'gemini-x'), 'gemini-x · tokens 10 in / 20 out · ≈ $0.0012 · 1.3 s');
  assert.equal(formatStats({ ...stats, cost: null }, 'gemini-x'), 'gemini-x · tokens 10 in / 20 out · 1.3 s');
  assert.equal(formatStats(stats, ''), 'tokens 10 in / 20 out · 1.3 s');
  assert.equal(formatStats({ cost: 0 }, ''), '≈ $0');
});

test('a cost has two significant digits below a dime and cents above', () => {
  const shown = [4.51e-5, 0.00123, 0.00999, 0.0999, 0.4249, 12.3, 1e-7].map(formatCost);
  assert.deepEqual(shown, ['$0.000045', '$0.0012', '$0.010', '$0.10', '$0.42', '$12.30', '< $0.000001']);
});
