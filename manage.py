#!/usr/bin/env python
"""Django's usual entry point; ``contactcenter`` (the console script) does the same."""

from contactcenter.cli import main

if __name__ == "__main__":
    main()
