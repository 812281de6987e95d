"""presschat: a chat assistant over press releases. This package is the command-line edge."""

__version__ = "0.1.0"
