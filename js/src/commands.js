// Browser -> kernel requests (Stop, Continue, the chat's input, `_snapshot`), answered by the
// Python methods marked `@anywidget.experimental.command`.
//
// The wire protocol is anywidget's own: a custom message {id, kind: 'anywidget-command', name,
// msg} and a reply {id, kind: 'anywidget-command-response', response}. It is spoken here over
// `model.send` and `msg:custom` rather than through the host's `experimental.invoke`, because
// marimo's anywidget host (0.25) provides an `invoke` that only throws ("not supported in
// marimo") while it does carry custom messages both ways. The Python side is unchanged.

/**
 * Call the kernel-side command `name` with `msg` (and `buffers`); resolves to
 * `[response, buffers]`, rejects when `signal` aborts (default: 3 s, as anywidget's).
 */
export function invoke(model, name, msg, { buffers = [], signal = AbortSignal.timeout(3000) } = {}) {
  const id = crypto.randomUUID();
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const handler = (reply, replyBuffers) => {
      if (reply?.kind !== 'anywidget-command-response' || reply.id !== id) return;
      model.off('msg:custom', handler);
      resolve([reply.response, replyBuffers ?? []]);
    };
    signal.addEventListener('abort', () => {
      model.off('msg:custom', handler);
      reject(signal.reason);
    }, { once: true });
    model.on('msg:custom', handler);
    model.send({ id, kind: 'anywidget-command', name, msg }, undefined, buffers);
  });
}
