// Per-render work must follow the open block, not the document: a long answer streams
// at the same cost per frame at 300 KB as at 3 KB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { document, stream, render } from './dom.js';

// Model-like Markdown: headings, paragraphs with inline math and code, lists, code, tables.
function section(i) {
  return [
    `## Section ${i}`,
    `Paragraph ${i} explains $x_${i}^2$ with \`code_${i}\` and **bold** words, a [link](https://example.org/${i}), and more text to fill the line.`,
    `- item one of ${i}\n- item two with *emphasis*\n- item three`,
    '```python\n' + `def f_${i}(x):\n    return x * ${i}\n` + '```',
    `| n | square |\n|---|---|\n| ${i} | ${i * i} |`,
    `$$\n\\sum_{k=1}^{${i}} k = ${(i * (i + 1)) / 2}\n$$`,
  ].join('\n\n') + '\n\n';
}

function documentOf(bytes) {
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += section(i);
  return text;
}

// Model deltas coalesced to a frame are a few to a few dozen characters. jsdom costs ~100x
// a browser per DOM node (KaTeX's styled spans most of all), so the middle of the document
// goes in 2 KB pieces; the first and last 6 KB go in 4-40 character chunks and are timed.
function chunksOf(text, edge = 6 * 1024) {
  const chunks = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const small = at < edge || at > text.length - edge;
    const size = small ? 4 + ((i * 37) % 37) : 2048;
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

test('appending to a 300 KB document re-parses only the open block', () => {
  const text = documentOf(300 * 1024);
  const renders = []; // [offset, ms, chars parsed beyond the new chunk]
  let last = performance.now();
  let before = 0;
  const { renderer, html } = stream(chunksOf(text), {
    onRender: (_container, soFar, r) => {
      const now = performance.now();
      renders.push([soFar.length, now - last, r.stats.lastCharsParsed - (soFar.length - before)]);
      before = soFar.length;
      last = now;
    },
  });
  const stats = renderer.stats;
  const parsed = renders.map(([, , chars]) => chars);
  // Besides the new text: the open block, and the block before it while the line after
  // that one is incomplete (render.js, settledBlocks).
  const longestBlock = 2 * Math.max(...text.split(/\n\n/).map((b) => b.length)) + 4;
  const early = median(renders.filter(([at]) => at > 200 && at < 6 * 1024).map(([, ms]) => ms));
  const late = median(renders.filter(([at]) => at > text.length - 6 * 1024).map(([, ms]) => ms));
  console.log(
    `# complexity: ${text.length} chars, ${stats.renders} renders, ${stats.blocksCommitted} blocks committed, ` +
      `at most ${Math.max(...parsed)} old chars re-parsed per render; ` +
      `median render ${early.toFixed(2)} ms in the first 6 KB, ${late.toFixed(2)} ms in the last 6 KB (jsdom)`,
  );
  assert.equal(stats.fullRenders, 0);
  assert.ok(Math.max(...parsed) <= longestBlock, 'a render parsed more than the open block');
  assert.ok(stats.charsParsed < 3 * text.length, `parsed ${stats.charsParsed} chars for ${text.length}`);
  // No assertion on time: jsdom's Node.remove() walks all siblings (SymbolTree.index), so
  // in jsdom a render slows with the number of top-level nodes; browsers do not.
  assert.equal(html, render(text));
});

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// The views' path (AnswerBody with Copy buttons as its `decorate`): what a frame touches
// follows the new nodes. Full groups of committed blocks get no mutation at all, the page
// holds a group per 32 blocks rather than a node per block, and Copy buttons are added by
// looking at new nodes only, once each.
test('a long answer: Copy buttons, mutations and top-level nodes follow the open block', async () => {
  const { AnswerBody } = await import('../src/renderer_bundle.js');
  const { addCopyButtons } = await import('../src/view_parts.js');
  const { MutationObserver } = document.defaultView;
  const text = documentOf(100 * 1024);
  const container = document.createElement('div');
  let seen = 0; // elements handed to decorate() in this render
  const body = new AnswerBody(container, {
    document,
    decorate: (root) => {
      seen += root.querySelectorAll('*').length;
      addCopyButtons(root);
    },
  });
  const observer = new MutationObserver(() => {});
  observer.observe(container, { childList: true, subtree: true, attributes: true, characterData: true });
  const perRender = []; // [offset, elements decorated, mutations inside full groups, chunk size]
  let soFar = 0;
  for (const chunk of chunksOf(text)) {
    body.append(chunk);
    soFar += chunk.length;
    seen = 0;
    const full = [...container.querySelectorAll('.gw-blocks')].slice(0, -1); // the last may still fill
    body.render();
    const records = observer.takeRecords();
    const touched = records.filter((r) => full.some((g) => g.contains(r.target))).length;
    perRender.push([soFar, seen, touched, chunk.length]);
  }
  // Renders after a small chunk (chunksOf), in the first and the last 6 KB; the first ones
  // after the 2 KB chunks still commit what the last of those brought.
  const small = perRender.filter(([, , , size]) => size < 100);
  const early = small.filter(([at]) => at < 6 * 1024).map(([, n]) => n);
  const late = small.filter(([at]) => at > text.length - 5 * 1024).map(([, n]) => n);
  const segment = container.querySelector('.gw-segment');
  const pres = segment.querySelectorAll('pre');
  console.log(
    `# decorate saw at most ${Math.max(...early)} elements per render in the first 6 KB, ` +
      `${Math.max(...late)} in the last 5 KB; ${segment.children.length} top-level nodes ` +
      `for ${pres.length} code blocks and ${segment.querySelectorAll('p, h2, ul, .gw-code, table, .gw-math').length} blocks`,
  );
  assert.ok(Math.max(...late) <= 2 * Math.max(...early), 'decorate sees more as the answer grows');
  assert.equal(Math.max(...perRender.map(([, , touched]) => touched)), 0, 'a finished group was written to');
  assert.ok(segment.children.length < 200, `${segment.children.length} top-level nodes`);
  assert.equal(segment.querySelectorAll('pre > .gw-copy').length, pres.length, 'one Copy button per code block');
  assert.equal(segment.querySelectorAll('.gw-copy').length, pres.length);
});
