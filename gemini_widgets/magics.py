"""``%%gemini`` and ``%gemini``: a cell to Gemini, streamed, with every generation setting.

Thin by design: options -> ``settings.build_config`` -> ``client.get_client`` -> the SDK
stream -> a ``StreamView`` (in terminal IPython, a ``TextView`` that prints the answer).
Defaults are traitlets config (``%config GeminiMagics.model``, ``ipython_config.py``),
validated with the same checks as every other front end. The generation options and their
defaults are made from ``settings.SETTINGS`` by ``magic_options``; the options declared
here are the magic's own.
"""

from __future__ import annotations

import shlex
from typing import Any

import traitlets
from google.genai import types
from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.display import Markdown, display

from .client import MissingApiKeyError, current_backend, get_client, use_backend
from .compare import BackgroundCompare, run_compare
from .comparison import CompareResult, contenders
from .conversation import Conversation, ReplyActions, conversations
from .errors import describe_error
from .generate import BackgroundStream, run_in_view, shown_view
from .magic_compare import (
    COMPARE_HELP,
    MODEL_HELP,
    compared_models,
    compared_variants,
    with_compare_values,
)
from .magic_options import (
    READING_DEFAULTS,
    SETTING_DEFAULTS,
    SettingDefaults,
    options_from_args,
    reading_arguments,
    setting_arguments,
    settings_from_args,
)
from .prices import PricesError, parse_prices, set_prices
from .prompt_inputs import PromptInputError, attachment_part, first_code_block, interpolate
from .request import StreamRequest
from .runner import ContinueRefused
from .settings import DEFAULT_MODEL, SettingsError, StreamOptions, build_config
from .stream import StreamState
from .text_views import TextView, front_end, in_marimo_notebook
from .widgets import StreamView

__all__ = ["GeminiMagics", "load_ipython_extension"]

MARIMO_HAS_NO_MAGICS = (
    "%%gemini is an IPython magic and marimo runs no IPython: in marimo, write "
    "`result = stream(prompt, ...)` (or `Chat()` for a conversation) in a cell instead."
)
if in_marimo_notebook():
    raise ImportError(MARIMO_HAS_NO_MAGICS)

_SUBCOMMANDS = ("models", "config", "chats", "history", "reset", "backend", "continue")
_FORMATS = ("markdown", "text", "code")


@magics_class
class GeminiMagics(Magics, SettingDefaults):
    """Defaults for ``%%gemini``; every one can be overridden per cell by an option.

    The generation settings' defaults (temperature, system, ...) and retries/timeout come
    from ``SettingDefaults``, made from the settings tables."""

    model = traitlets.Unicode(DEFAULT_MODEL, help="Model to use.").tag(config=True)
    format = traitlets.Enum(_FORMATS, "markdown", help="How to show the answer.").tag(config=True)
    prices = traitlets.Dict(
        help="Prices over the shipped table, USD per 1M tokens, as gemini_widgets.set_prices "
        "takes them: {'gemini-2.5-flash': {'input': 0.3, 'output': 2.5}} (docs/cost.md)."
    ).tag(config=True)

    def __init__(self, shell: Any = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        self.last_view: StreamView | TextView | None = None
        """The newest answer's view: ``%gemini continue`` continues it."""

    @traitlets.validate("model")
    def _validate_model(self, proposal: dict[str, Any]) -> str:
        if not proposal["value"].strip():
            raise traitlets.TraitError("model must be a model name such as 'gemini-2.5-flash'.")
        return proposal["value"].strip()

    @traitlets.validate("prices")
    def _validate_prices(self, proposal: dict[str, Any]) -> dict[str, Any]:
        try:
            parse_prices(proposal["value"], as_of="", source="")
        except PricesError as exc:
            raise traitlets.TraitError(str(exc)) from None
        return proposal["value"]

    @traitlets.observe("prices")
    def _use_prices(self, change: dict[str, Any]) -> None:
        # The one table every surface prices with (stream(), Chat, %%gemini), not the magic's.
        set_prices(change["new"])

    # ---- the magic ---------------------------------------------------------------------

    @magic_arguments()
    @argument("-m", "--model", metavar="MODEL[,MODEL...]", help=MODEL_HELP)
    @setting_arguments
    @argument("-o", "--output", metavar="VAR", help="store the result in this variable")
    @argument("--chat", metavar="NAME", help="continue the named conversation")
    @argument("--background", action="store_true", help="return at once; stream as a task")
    @argument("--compare", action="append", metavar="OPTIONS", help=COMPARE_HELP)
    @argument("--format", choices=_FORMATS, help="markdown (default), text, or code")
    @reading_arguments
    @argument("--image", action="append", metavar="SRC", help="image: path, {var}, gs:// or URL")
    @argument("--file", action="append", metavar="SRC", help="file: path, {var}, gs:// or URL")
    @argument("--no-interpolate", action="store_true", help="send {braces} as written")
    @argument("prompt", nargs="*", help="(line magic) the prompt, or a subcommand")
    @line_cell_magic
    def gemini(self, line: str, cell: str | None = None) -> Any:
        """Send the cell to Gemini and stream the answer as rendered Markdown.

        %%gemini [options]      the cell body is the prompt
        %gemini PROMPT          a one-line prompt
        %gemini models | config | chats | history NAME | reset NAME | backend offline|live
        %gemini continue        continue the last answer that was cut short
        %%gemini -m MODEL,MODEL or --compare "-t 0" --compare "-t 1"   side by side

        {var} in the body and in --system is filled from your variables; {{ and }} stay
        literal braces. The result (.text, .parsed, .usage, .finish_reason, .responses) is
        returned, and stored with -o VAR. Kernel -> Interrupt stops a stream and keeps the
        partial answer. A request refused with 429/503 is retried (--retries); a stream
        silent for --timeout seconds ends with a message.
        """
        words = _split(line)
        if cell is None and words and words[0] in _SUBCOMMANDS:
            return self._subcommand(words[0], words[1:])
        args = self._parse(line)
        prompt = (cell if cell is not None else " ".join(args.prompt)).strip()
        if cell is not None and args.prompt:
            raise UsageError(
                f"%%gemini takes options only on its first line; "
                f"unexpected {' '.join(args.prompt)!r}.\n{self._usage()}"
            )
        if not prompt.strip():
            raise UsageError(f"Nothing to send: the prompt is empty.\n{self._usage()}")
        try:
            return self._run(args, prompt)
        except (SettingsError, PromptInputError) as exc:
            raise UsageError(f"{exc}\n{self._usage()}") from None
        except MissingApiKeyError as exc:
            raise UsageError(str(exc)) from None

    # ---- running -----------------------------------------------------------------------

    def _run(self, args: Any, prompt: str) -> Any:
        namespace = self.shell.user_ns if self.shell is not None else {}
        fill = None if args.no_interpolate else (lambda text: interpolate(text, namespace))
        if fill is not None:
            prompt = fill(prompt)
        settings = settings_from_args(args, self, fill, namespace)
        config = build_config(**settings)
        options = options_from_args(args, self)
        contents: list[Any] = [
            attachment_part(source, namespace) for source in (args.image or []) + (args.file or [])
        ]
        contents.append(prompt)
        models = compared_models(args.model or self.model)
        if len(models) > 1 or args.compare:
            return self._run_compare(args, contents, settings, options, models, fill)
        model = models[0]
        view, client = shown_view(model, None)
        self.last_view = view
        if args.chat:
            ran = self._run_chat(args.chat, view, client, model, contents, config, options, args)
        else:
            request = StreamRequest(client, model, contents, config)
            ran = run_in_view(view, request, options, background=args.background)
        if isinstance(ran, BackgroundStream):
            if args.output:
                self.shell.user_ns[args.output] = ran
            return ran
        return self._finish(ran, args)

    def _run_compare(
        self,
        args: Any,
        contents: list[Any],
        settings: dict[str, Any],
        options: StreamOptions,
        models: list[str],
        fill: Any,
    ) -> CompareResult | BackgroundCompare:
        """Each model, or each ``--compare`` variant, in a column of its own, all at once."""
        if args.chat:
            raise UsageError(
                f"--chat continues one conversation: it cannot be compared.\n{self._usage()}"
            )
        answer_format = args.format or self.format
        if answer_format == "code":
            raise UsageError(
                f"--format code takes one answer: it cannot be compared.\n{self._usage()}"
            )
        namespace = self.shell.user_ns if self.shell is not None else {}
        variants = compared_variants(args.compare, self.gemini.parser.parse_args, fill, namespace)
        chosen = contenders(
            models if len(models) > 1 else None,
            variants or None,
            model=models[0],
            config=None,
            settings=settings,
        )
        self.last_view = None
        ran = run_compare(contents, chosen, options, background=args.background)
        if args.output:
            self.shell.user_ns[args.output] = ran
        if isinstance(ran, CompareResult) and answer_format == "text" and front_end() == "widget":
            print(ran.markdown(), end="")
        return ran

    def _run_chat(
        self,
        name: str,
        view: StreamView | TextView,
        client: Any,
        model: str,
        contents: list[Any],
        config: types.GenerateContentConfig,
        options: StreamOptions,
        args: Any,
    ) -> StreamState | BackgroundStream:
        """A turn of the conversation ``name`` (the same as ``Chat(key=name)``'s), shown in
        ``view``; that view's Stop and Continue act on the reply while it is the last."""
        conversation = conversations.get(name)
        if conversation is None:
            conversation = conversations[name] = Conversation(client, model, options=options)
        conversation.runner.options = options
        view.actions = ReplyActions(conversation, len(conversation.turns), view)
        if args.background:
            return BackgroundStream(view, conversation.start(contents, config=config, sink=view))
        return conversation.send(contents, config=config, sink=view)

    def _finish(self, result: StreamState, args: Any) -> StreamState:
        printed = isinstance(self.last_view, TextView)  # the answer and its notice are out
        if result.parse_error and not printed:
            print(f"gemini: {result.parse_error}")
        answer_format = args.format or self.format
        if answer_format == "code" and result.text and self.shell is not None:
            code = first_code_block(result.text) or result.text
            self.shell.set_next_input(code, replace=False)
        elif answer_format == "text" and result.text and not printed:
            print(result.text)
        if args.output:
            self.shell.user_ns[args.output] = result
        return result

    # ---- subcommands -------------------------------------------------------------------

    def _subcommand(self, name: str, rest: list[str]) -> Any:
        if name == "continue":
            return self._continue()
        if name == "models":
            try:
                models = list(get_client().models.list())
            except Exception as exc:
                # One sentence, never a traceback: the SDK's frames hold the request headers,
                # API key included, and `%xmode Verbose` would print them.
                raise UsageError(f"Cannot list the models: {describe_error(exc)}") from None
            for model in models:
                print(model.name.removeprefix("models/"), "-", model.display_name)
        elif name == "config":
            print(f"backend: {current_backend().label}")
            for trait in ("model", *SETTING_DEFAULTS, "format", *READING_DEFAULTS, "prices"):
                print(f"{trait}: {getattr(self, trait)!r}")
        elif name == "chats":
            if not conversations:
                print("No conversations yet: use %%gemini --chat NAME.")
            for chat_name in conversations:
                turns = sum(1 for c in self._history(chat_name) if c.role == "user")
                print(f"{chat_name}: {turns} turn{'' if turns == 1 else 's'}")
        elif name in ("history", "reset"):
            if len(rest) != 1:
                raise UsageError(f"usage: %gemini {name} NAME")
            if rest[0] not in conversations:
                raise UsageError(f"No conversation named {rest[0]!r}; %gemini chats lists them.")
            if name == "reset":
                conversations.pop(rest[0]).stop()
                print(f"Conversation {rest[0]!r} forgotten.")
            else:
                display(Markdown(_history_markdown(self._history(rest[0]))))
        elif name == "backend":
            if len(rest) != 1:
                raise UsageError("usage: %gemini backend offline|live|vertex")
            try:
                print(f"Using the {use_backend(rest[0]).label}.")
            except (ValueError, MissingApiKeyError) as exc:
                raise UsageError(str(exc)) from None
        return None

    def _continue(self) -> StreamState:
        view = self.last_view
        if view is None:
            raise UsageError("Nothing to continue: no %%gemini answer yet.")
        try:
            return view.continue_answer()
        except ContinueRefused as exc:
            raise UsageError(str(exc)) from None

    def _history(self, name: str) -> list[types.Content]:
        return conversations[name].history

    def _parse(self, line: str) -> Any:
        # shlex, not magic_arguments' own splitter, which keeps the quotes of "-s 'be terse'".
        try:
            return self.gemini.parser.parse_args(with_compare_values(shlex.split(line)))
        except ValueError as exc:  # unbalanced quotes
            raise UsageError(f"Cannot read the options: {exc}.\n{self._usage()}") from None
        except UsageError as exc:
            raise UsageError(f"{exc}\n{self._usage()}") from None

    def _usage(self) -> str:
        """argparse's usage as one line (magic_arguments prefixes it with '::')."""
        usage = " ".join(self.gemini.parser.format_usage().replace("::", "").split())
        return f"usage: %{usage.removeprefix('%')}\n"


def _split(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


def _history_markdown(history: list[types.Content]) -> str:
    lines = []
    for content in history:
        text = "".join(p.text or "" for p in content.parts or [] if not p.thought)
        who = "**You**" if content.role == "user" else "**Gemini**"
        if lines and content.role == "model" and lines[-1].startswith("**Gemini**"):
            lines[-1] += text  # the SDK stores one content per streamed chunk
        else:
            lines.append(f"{who}: {text}")
    return "\n\n".join(lines)


def load_ipython_extension(ipython: Any) -> None:
    ipython.register_magics(GeminiMagics)
