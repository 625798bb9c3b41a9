// The official JS SDK (@google/genai) talking to a Gemini-compatible server: the offline
// one in tests/sdk/test_js_sdk.py. Prints one JSON line per event on stdout:
//
//   {"event": "chunk", "turn": 0, "index": 0, "text", "finishReason", "usageMetadata",
//    "parts": [{"text", "thought"}], "blockReason"}     one per streamed chunk
//   {"event": "result", ...same fields}                   generateContent
//   {"event": "count", "totalTokens", ...}                countTokens
//   {"event": "model", "name", ...}                       one per listed model
//   {"event": "history", "history": [...]}                chat: the chat's history at the end
//   {"event": "error", "name", "status", "message", "cause"}   any failure, then exit code 0
//   {"event": "done"}                                     the call finished without error
//
// Usage: node stream.mjs --call stream|generate|count|chat|list --base-url URL
//          [--api-version v1beta] [--model gemini-2.5-flash] [--prompt TEXT]...
//          [--config JSON] [--api-key KEY] [--timeout MS]
// Each option falls back to an environment variable: GEMINI_CALL, GEMINI_BASE_URL,
// GEMINI_API_VERSION, GEMINI_MODEL, GEMINI_PROMPT, GEMINI_CONFIG, GEMINI_API_KEY.
// --prompt may repeat: a chat sends each as one turn; other calls send the first.

import { parseArgs } from 'node:util';
import { GoogleGenAI } from '@google/genai';

const CALLS = ['stream', 'generate', 'count', 'chat', 'list'];

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      call: { type: 'string' },
      'base-url': { type: 'string' },
      'api-version': { type: 'string' },
      model: { type: 'string' },
      prompt: { type: 'string', multiple: true },
      config: { type: 'string' },
      'api-key': { type: 'string' },
      timeout: { type: 'string' },
    },
  });
  const env = process.env;
  const options = {
    call: values.call ?? env.GEMINI_CALL ?? 'stream',
    baseUrl: values['base-url'] ?? env.GEMINI_BASE_URL,
    apiVersion: values['api-version'] ?? env.GEMINI_API_VERSION ?? 'v1beta',
    model: values.model ?? env.GEMINI_MODEL ?? 'gemini-2.5-flash',
    prompts: values.prompt ?? (env.GEMINI_PROMPT ? [env.GEMINI_PROMPT] : ['Hello']),
    config: JSON.parse(values.config ?? env.GEMINI_CONFIG ?? '{}'),
    apiKey: values['api-key'] ?? env.GEMINI_API_KEY ?? 'offline-test-key',
    timeout: values.timeout ? Number(values.timeout) : undefined,
  };
  if (!CALLS.includes(options.call)) {
    throw new Error(`--call must be one of ${CALLS.join(', ')}, got ${options.call}`);
  }
  if (!options.baseUrl) {
    throw new Error('--base-url (or GEMINI_BASE_URL) is required: this client never calls Google');
  }
  return options;
}

/** What a test asserts on, from one GenerateContentResponse. */
function describe(response) {
  const candidate = response.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  return {
    text: response.text ?? null,
    finishReason: candidate?.finishReason ?? null,
    usageMetadata: response.usageMetadata ?? null,
    parts: parts.map((part) => ({ text: part.text ?? null, thought: part.thought === true })),
    blockReason: response.promptFeedback?.blockReason ?? null,
    modelVersion: response.modelVersion ?? null,
  };
}

function describeError(error) {
  const cause = error?.cause;
  return {
    event: 'error',
    name: error?.name ?? typeof error,
    constructor: error?.constructor?.name ?? null,
    status: error?.status ?? null,
    message: String(error?.message ?? error),
    cause: cause
      ? { name: cause.name ?? null, code: cause.code ?? null, message: String(cause.message ?? cause) }
      : null,
  };
}

async function run(options) {
  const ai = new GoogleGenAI({
    apiKey: options.apiKey,
    httpOptions: {
      baseUrl: options.baseUrl,
      apiVersion: options.apiVersion,
      ...(options.timeout ? { timeout: options.timeout } : {}),
    },
  });
  const { model, config } = options;
  const contents = options.prompts[0];

  if (options.call === 'stream') {
    const stream = await ai.models.generateContentStream({ model, contents, config });
    let index = 0;
    for await (const chunk of stream) {
      emit({ event: 'chunk', turn: 0, index: index++, ...describe(chunk) });
    }
  } else if (options.call === 'generate') {
    const response = await ai.models.generateContent({ model, contents, config });
    emit({ event: 'result', ...describe(response) });
  } else if (options.call === 'count') {
    const response = await ai.models.countTokens({ model, contents });
    emit({ event: 'count', ...response });
  } else if (options.call === 'chat') {
    const chat = ai.chats.create({ model, config });
    for (const [turn, message] of options.prompts.entries()) {
      const stream = await chat.sendMessageStream({ message });
      let index = 0;
      for await (const chunk of stream) {
        emit({ event: 'chunk', turn, index: index++, ...describe(chunk) });
      }
    }
    emit({ event: 'history', history: chat.getHistory() });
  } else if (options.call === 'list') {
    const pager = await ai.models.list();
    for await (const entry of pager) {
      emit({ event: 'model', ...entry });
    }
  }
}

let options;
try {
  options = readOptions();
} catch (error) {
  process.stderr.write(`stream.mjs: ${error.message}\n`);
  process.exit(2);
}
try {
  await run(options);
  emit({ event: 'done' });
} catch (error) {
  emit(describeError(error));
}
// Don't wait for idle keep-alive sockets to close (stdout to a pipe is synchronous on POSIX).
process.exit(0);
