#!/usr/bin/env python
"""Django's command-line utility; `accord` is the same thing under a friendlier name."""

import sys

from accord.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv))
