"""Entry point for `python -m toolkit`."""

import sys

from toolkit.cli.main import main

sys.exit(main())
