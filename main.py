"""Collecta entry point: no arguments opens the app; a sub-command runs the CLI."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
