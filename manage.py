#!/usr/bin/env python
"""Django's command-line utility; the same as the `chiso` console script."""

from chiso.__main__ import main

if __name__ == "__main__":
    main()
