"""Scripts run in a Lab page (``expose_app_in_browser``) to find a notebook's panel and
kernel: its status, code run out of band, its interrupt handle, its final display.

Used by ``notebook_page.Notebook`` and by ``benchmarks/bench_lab_stream.py``.
"""

from __future__ import annotations

# The notebook panel of a file, found by path: not the app's currentWidget, which may be
# an output view or another tab.
_PANEL_JS = """(name) => {
    const app = window.jupyterapp;
    for (const widget of app.shell.widgets('main')) {
        if (widget.context && widget.context.path === name) return widget;
    }
    return null;
}"""

_KERNEL_STATUS_JS = f"""(name) => {{
    const panel = ({_PANEL_JS})(name);
    return panel?.sessionContext?.session?.kernel?.status ?? 'no-kernel';
}}"""


_KERNEL_EXECUTE_JS = f"""async ([name, code]) => {{
    const kernel = ({_PANEL_JS})(name).sessionContext.session.kernel;
    const future = kernel.requestExecute({{ code, silent: false, store_history: false }});
    let stdout = '';
    let error = '';
    future.onIOPub = (msg) => {{
        if (msg.header.msg_type === 'stream') stdout += msg.content.text;
        if (msg.header.msg_type === 'error') error = msg.content.traceback.join('\\n');
    }};
    await future.done;
    return {{ stdout, error }};
}}"""


_KERNEL_HANDLE_JS = f"""([name, hidden]) => {{
    const kernel = ({_PANEL_JS})(name).sessionContext.session.kernel;
    if (hidden) kernel.interrupt = undefined;
    else delete kernel.interrupt;
}}"""


_FINAL_DISPLAY_JS = f"""(name) => {{
    const notebook = ({_PANEL_JS})(name).content;
    for (const cell of notebook.widgets) {{
        const outputs = cell.model.outputs;
        if (!outputs) continue;
        for (let i = 0; i < outputs.length; i++) {{
            const data = outputs.get(i).data;
            if (data['application/vnd.jupyter.widget-view+json'] && data['text/markdown']) {{
                return true;
            }}
        }}
    }}
    return false;
}}"""
