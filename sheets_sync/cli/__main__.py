"""`python -m sheets_sync.cli`: the same command line as the `sheets-sync` script."""

from .main import main

main()
