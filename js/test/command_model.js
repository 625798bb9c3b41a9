// A widget model whose kernel answers anywidget commands as anywidget's Python side does (a
// custom message back with the request's id), for the glue's tests; `reply` null is a
// kernel busy with a running cell, which never answers (a timer keeps node's loop alive
// until the caller gives up and stops listening: AbortSignal.timeout's timer does not).

export function commandModel({ reply = () => ({}), traits = {}, ...rest } = {}) {
  const listeners = new Map();
  const emit = (event, ...args) => (listeners.get(event) || []).forEach((f) => f(...args));
  const waiting = new Set();
  return {
    get: (name) => traits[name],
    on: (event, f) => listeners.set(event, [...(listeners.get(event) || []), f]),
    off: (event, f) => {
      listeners.set(event, (listeners.get(event) || []).filter((g) => g !== f));
      waiting.forEach(clearTimeout);
      waiting.clear();
    },
    send: ({ id, kind, name, msg }) => {
      if (kind !== 'anywidget-command') return;
      if (reply === null) {
        waiting.add(setTimeout(() => {}, 60_000));
        return;
      }
      const response = reply(name, msg);
      queueMicrotask(() => emit('msg:custom', { id, kind: 'anywidget-command-response', response }, []));
    },
    emit,
    ...rest,
  };
}
