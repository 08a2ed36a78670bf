"""``python -m ptmcourse.grading grade ...`` / ``generate``: the same as ``ptmcourse grade`` / ``exercises generate``."""
import sys

from .cli import cli_main

sys.exit(cli_main())
