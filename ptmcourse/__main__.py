"""``python -m ptmcourse``: the same as the ``ptmcourse`` command."""
import sys

from .cli import main

sys.exit(main())
