import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    # Gemini in marimo

    `stream()`, `compare()` and `Chat` from gemini-widgets work in a marimo notebook
    (`marimo edit`, `marimo run`) as they do in Jupyter: the answer renders as Markdown
    while it streams, compared answers stream side by side, and a chat takes messages
    typed in the page.

    **No key needed.** With no `GEMINI_API_KEY` set, `get_client()` starts an offline
    Gemini-compatible server in this notebook's process and points the real SDK at it.
    Set a key (and restart) and the same cells talk to Gemini.

    Reference: [docs/frontends.md](../docs/frontends.md#marimo).
    """)
    return


@app.cell
def _():
    import marimo as mo

    from gemini_widgets import Chat, compare, current_backend, get_client, stream

    client = get_client()
    MODEL = "gemini-2.5-flash"
    print(current_backend())
    return Chat, MODEL, compare, mo, stream


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## A streamed answer

    Assign the result: `stream()` puts its view in the cell's output and returns the
    answer when it ends, and marimo shows a cell's last value *instead of* what the cell
    put in its output. (`stream(...)` on its own as the last line would replace the live
    view with the result's one-line summary.)
    """)
    return


@app.cell
def _(MODEL, stream):
    result = stream("Explain binary search in 120 words", model=MODEL, temperature=0)
    return (result,)


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    The result is the answer as data: the text, why it ended, the token counts. A cell
    that reads `result` runs again whenever the answer is asked for again.
    """)
    return


@app.cell
def _(result):
    print(result.finish_reason, len(result.text), "characters")
    print(result.text[:80])
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## Two models side by side

    `compare()` asks several models (or one model with several settings) the same thing
    at once: each answer streams into a column of its own, and a summary under them
    compares first token, speed, tokens and cost, the best of each marked. Assign the
    result, as with `stream()`: it maps each model to its answer.
    """)
    return


@app.cell
def _(compare):
    compared = compare(
        "Explain a hash table in 80 words",
        ["gemini-2.5-flash", "gemini-2.5-pro"],
    )
    return (compared,)


@app.cell
def _(compared):
    for label, answer in compared.items():
        print(label, answer.finish_reason, len(answer.text), "characters")
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## A chat

    A `Chat` that is a cell's last value shows as a chat: type in its box. Replies stream
    while the notebook stays usable (they run as a task on marimo's event loop).

    **Its history stays** when other cells run again: marimo re-runs only the cells that
    read what changed, so keep the chat in a cell of its own and read from it elsewhere
    (`chat.history`, `chat.turns`). Such a reading cell does not re-run by itself when you
    type in the chat (marimo does not see the mutation): run it to refresh.
    """)
    return


@app.cell
def _(Chat, MODEL):
    chat = Chat(model=MODEL, system="You are concise.")
    chat
    return (chat,)


@app.cell
def _(chat):
    reply = chat.send("What is a heap, in one paragraph?")
    print(len(chat.history), "contents in the history;", len(reply.text), "characters")
    return


@app.cell(hide_code=True)
def _(mo):
    mo.md(r"""
    ## No `%%gemini` here

    marimo runs no IPython, so the `%%gemini` cell magic has no meaning: write
    `stream(...)` (or `chat.send(...)`) in a Python cell. Importing
    `gemini_widgets.magics` in marimo says so.

    Run this notebook as a script (`python notebooks/marimo_tutorial.py`) and the answers
    are printed as text instead.
    """)
    return


if __name__ == "__main__":
    app.run()
