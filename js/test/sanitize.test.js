// Model output is untrusted: nothing that runs script, loads a frame or restyles the page
// may reach the DOM, whether it arrives whole or split across chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render, stream, splitAt, document } from './dom.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src="https://e.org/x.png" onerror="alert(1)">',
  '<img src=x onerror=alert(1)//>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](&#106;avascript:alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<svg><script>alert(1)</script></svg>',
  '<svg onload="alert(1)"><circle r="5"/></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
  '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
  '<svg><foreignObject><iframe src="https://e.org"></iframe></foreignObject></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<math><annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml></math>',
  '<iframe src="https://e.org"></iframe>',
  '<object data="https://e.org/x.swf"></object><embed src="https://e.org/x.swf">',
  '<form action="https://e.org"><input name="password"><button>Log in</button></form>',
  '<style>body { display: none }</style>',
  '<div style="position:fixed;top:0;left:0;width:100vw;height:100vh;background:url(https://e.org/t.png)">x</div>',
  '<p style="background-image: url(&quot;https://e.org/t&quot;)">x</p>',
  '<base href="https://e.org/">',
  '<meta http-equiv="refresh" content="0;url=https://e.org">',
  '<link rel="stylesheet" href="https://e.org/x.css">',
  '<details open ontoggle="alert(1)">x</details>',
  '<video><source onerror="alert(1)"></video>',
  '<div id="getElementById">clobber</div><form name="body"></form>',
  '$\\href{javascript:alert(1)}{x}$',
  '$$\\url{javascript:alert(1)}$$',
  '$\\htmlClass{x}{y}$ $\\rule{999em}{999em}$',
  '```html\n<script>alert(1)</script>\n```',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
];

function assertInert(container, label) {
  for (const el of container.querySelectorAll('*')) {
    const name = el.localName;
    assert.ok(!['script', 'iframe', 'object', 'embed', 'form', 'input', 'button', 'style', 'base', 'meta', 'link', 'foreignobject', 'animate', 'annotation-xml'].includes(name.toLowerCase()), `${label}: <${name}> survived`);
    for (const { name: attr, value } of el.attributes) {
      assert.ok(!/^on/i.test(attr), `${label}: ${attr} on <${name}> survived`);
      if (/href|src|action|data/i.test(attr)) {
        assert.ok(!/^\s*(javascript|vbscript|data:text)/i.test(value), `${label}: ${attr}=${value} survived`);
        assert.ok(/^(https?:|mailto:|#|data:image\/)/i.test(value), `${label}: ${attr}=${value} is not an absolute safe URL`);
      }
      if (attr === 'style') assert.ok(!/url\(|fixed|expression|@import/i.test(value), `${label}: style=${value} survived`);
      if (attr === 'id' || attr === 'name') assert.match(value, /^user-content-/, `${label}: ${attr}=${value} can clobber`);
    }
  }
}

test('script, handlers, javascript:/data: links, frames, forms and style tricks never reach the DOM', () => {
  for (const payload of PAYLOADS) {
    const container = document.createElement('div');
    container.innerHTML = render(`Before\n\n${payload}\n\nafter *text*`);
    assertInert(container, JSON.stringify(payload));
  }
});

test('payloads split across chunk boundaries stay inert at every render', () => {
  for (const payload of PAYLOADS) {
    const text = `Intro ${payload} tail\n\n${payload}\n`;
    for (let step = 1; step <= 7; step += 3) {
      const offsets = [];
      for (let at = step; at < text.length; at += step) offsets.push(at);
      const { container } = stream(splitAt(text, offsets), {
        onRender: (live) => assertInert(live, `${JSON.stringify(payload)} in chunks of ${step}`),
      });
      assertInert(container, JSON.stringify(payload));
    }
  }
});

test('links open in a new tab without an opener; KaTeX, highlight.js and tables keep their markup', () => {
  const container = document.createElement('div');
  container.innerHTML = render(
    '[site](https://example.org) and <a href="https://example.org/raw">raw</a>\n\n' +
      '$\\frac{a}{b}$\n\n```python\ndef f(): pass\n```\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n',
  );
  for (const a of container.querySelectorAll('a')) {
    assert.equal(a.getAttribute('target'), '_blank');
    assert.equal(a.getAttribute('rel'), 'noopener noreferrer');
  }
  assert.ok(container.querySelector('.katex .katex-html .mfrac'), 'KaTeX HTML kept');
  assert.ok(container.querySelector('.katex math semantics annotation'), 'KaTeX MathML kept');
  assert.match(container.querySelector('.katex-html [style]').getAttribute('style'), /height|top|vertical-align/);
  assert.ok(container.querySelector('.gw-code pre code.hljs.language-python .hljs-keyword'), 'highlight classes kept');
  assert.equal(container.querySelector('td').getAttribute('style'), 'text-align:right');
});

test('a remote image stays (Markdown images are ordinary output); a relative one loses its URL', () => {
  const container = document.createElement('div');
  container.innerHTML = render('![a](https://example.org/a.png) ![b](/logout) ![c](data:image/png;base64,iVBORw0KGgo=)');
  const [a, b, c] = container.querySelectorAll('img');
  assert.equal(a.getAttribute('src'), 'https://example.org/a.png');
  assert.equal(b.getAttribute('src'), null);
  assert.equal(c.getAttribute('src'), 'data:image/png;base64,iVBORw0KGgo=');
});
