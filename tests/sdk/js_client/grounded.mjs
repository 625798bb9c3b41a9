// The official JS SDK (@google/genai) streams a grounded answer (the googleSearch tool) from
// the offline server (tests/sdk/test_js_sdk_tools.py). Prints one JSON line per chunk:
//
//   {"event": "chunk", "text", "groundingMetadata", "usageMetadata"}
//   {"event": "segments", "checked", "mismatches": [...]}   each support's bytes, decoded here
//   {"event": "error", "message"} / {"event": "done"}
//
// Usage: node grounded.mjs --base-url URL --prompt TEXT [--model gemini-2.5-flash]

import { parseArgs } from 'node:util';
import { GoogleGenAI } from '@google/genai';

const emit = (event) => process.stdout.write(JSON.stringify(event) + '\n');

const { values } = parseArgs({
  options: {
    'base-url': { type: 'string' },
    prompt: { type: 'string' },
    model: { type: 'string', default: 'gemini-2.5-flash' },
  },
});
if (!values['base-url']) {
  process.stderr.write('grounded.mjs: --base-url is required: this client never calls Google\n');
  process.exit(2);
}

try {
  const ai = new GoogleGenAI({
    apiKey: 'offline-test-key',
    httpOptions: { baseUrl: values['base-url'], apiVersion: 'v1beta' },
  });
  const stream = await ai.models.generateContentStream({
    model: values.model,
    contents: values.prompt,
    config: { tools: [{ googleSearch: {} }] },
  });
  let text = '';
  let grounding = null;
  for await (const chunk of stream) {
    const candidate = chunk.candidates?.[0];
    text += chunk.text ?? '';
    grounding = candidate?.groundingMetadata ?? grounding;
    emit({
      event: 'chunk',
      text: chunk.text ?? null,
      groundingMetadata: candidate?.groundingMetadata ?? null,
      usageMetadata: chunk.usageMetadata ?? null,
    });
  }
  // Segments are UTF-8 byte offsets: a JS string index (UTF-16) would be wrong past an emoji.
  const bytes = Buffer.from(text, 'utf8');
  const mismatches = (grounding?.groundingSupports ?? [])
    .map(({ segment }) => ({
      expected: segment.text,
      got: bytes.subarray(segment.startIndex ?? 0, segment.endIndex).toString('utf8'),
    }))
    .filter(({ expected, got }) => expected !== got);
  emit({ event: 'segments', checked: grounding?.groundingSupports?.length ?? 0, mismatches });
  emit({ event: 'done' });
} catch (error) {
  emit({ event: 'error', message: String(error?.message ?? error) });
}
process.exit(0);
