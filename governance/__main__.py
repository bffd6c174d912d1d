"""Entry point: ``python -m governance``."""

import sys

from governance.cli import main

sys.exit(main())
