"""gemini-widgets: stream Google Gemini into Jupyter as rendered Markdown."""

__version__ = "0.1.0"
