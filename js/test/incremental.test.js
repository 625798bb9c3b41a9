// The invariant the widget relies on: however a text is chunked and whenever render()
// runs, the container shows exactly what rendering the text so far in one go shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import spec from 'commonmark-spec';
import { document, render, stream, splitAt } from './dom.js';
import { IncrementalRenderer, blocksHtml } from '../src/render.js';
import { markdownDocument } from './documents.js';

const RUNS_PER_EXAMPLE = Number(process.env.RUNS_PER_EXAMPLE ?? 20);
const tried = { chunkings: 0, renders: 0 };

// Cut points plus, per chunk, whether render() runs after it.
function chunkingOf(text) {
  return fc.record({
    cuts: fc.array(fc.integer({ min: 0, max: text.length }), { maxLength: Math.min(24, text.length) }),
    renders: fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
  });
}

// The whole-text render of each prefix, memoised: chunkings of one text share prefixes,
// and jsdom's DOM (which DOMPurify works in) costs about a millisecond per block.
function wholeTextRenderer() {
  const memo = new Map();
  return (text) => {
    let html = memo.get(text);
    if (html === undefined) memo.set(text, (html = render(text)));
    return html;
  };
}

function assertStreamsLikeWhole(text, { cuts, renders }, whole = wholeTextRenderer(), checkEvery = 1) {
  tried.chunkings += 1;
  const chunks = splitAt(text, cuts);
  let n = 0;
  const { html } = stream(chunks, {
    renderAfter: (i) => renders[i % renders.length],
    onRender: (container, soFar) => {
      if (++n % checkEvery !== 0) return;
      const html = blocksHtml(container);
      tried.renders += 1;
      assert.equal(html, whole(soFar), `after ${JSON.stringify(soFar)}`);
    },
  });
  assert.equal(html, whole(text));
}

function assertEveryChunking(text, runs, seed) {
  const whole = wholeTextRenderer();
  fc.assert(fc.property(chunkingOf(text), (chunking) => assertStreamsLikeWhole(text, chunking, whole)), {
    numRuns: runs,
    seed,
  });
  // Character by character, rendering after each: the case real streams approach.
  assertStreamsLikeWhole(text, { cuts: [...text].map((_, i) => i), renders: [true] }, whole);
}

const examples = spec.tests.map((t) => ({ ...t, markdown: t.markdown.replace(/→/g, '\t') }));

test(`every CommonMark spec example (${examples.length}) streams like the whole text`, () => {
  for (const example of examples) {
    try {
      assertEveryChunking(example.markdown, RUNS_PER_EXAMPLE, example.number);
    } catch (error) {
      error.message = `spec example ${example.number} (${example.section}): ${error.message}`;
      throw error;
    }
  }
});

test('generated documents (tables, fences, math, lists, references, CRLF) stream like the whole text', () => {
  fc.assert(
    fc.property(markdownDocument, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (text, seed) => {
      const whole = wholeTextRenderer();
      fc.assert(fc.property(chunkingOf(text), (c) => assertStreamsLikeWhole(text, c, whole)), { numRuns: 3, seed });
    }),
    { numRuns: Number(process.env.GENERATED_DOCS ?? 300), seed: 42 },
  );
});

test('a long generated document streamed in small chunks matches at every render', () => {
  const text = fc.sample(markdownDocument, { numRuns: 60, seed: 7 }).join('\n\n');
  const cuts = [];
  for (let at = 0; at < text.length; at += 1 + ((at * 7919) % 23)) cuts.push(at);
  // Comparing every render would re-render the whole prefix each time (quadratic).
  assertStreamsLikeWhole(text, { cuts, renders: [true, false, true, true, false] }, undefined, 97);
});

test.after(() => {
  console.log(`# incremental: ${tried.chunkings} chunkings, ${tried.renders} renders compared`);
});

test('a whole text rendered with maxChars fills in over several renders and ends like the whole', () => {
  const text = fc.sample(markdownDocument, { seed: 7, numRuns: 60 }).join('\n\n');
  const container = document.createElement('div');
  const renderer = new IncrementalRenderer(container);
  renderer.reset(text);
  let renders = 0;
  while (renderer.render({ maxChars: 1024 })) {
    renders += 1;
    assert.equal(blocksHtml(container), render(renderer.shownText), `after ${renderer.shownText.length} characters`);
    if (!renderer.pending) break;
  }
  assert.ok(renders >= Math.floor(text.length / 1024), `${renders} renders for ${text.length} characters`);
  assert.equal(renderer.text, text);
  assert.equal(blocksHtml(container), render(text));
});
