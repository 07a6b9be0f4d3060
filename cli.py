"""Run sheets-sync from a checkout without installing: `python cli.py --help`.

The same click group is installed as the `sheets-sync` console script.
"""

from sheets_sync.cli.main import main

if __name__ == "__main__":
    main()
