"""`python -m audit_workbench.cli`."""

import sys

from . import main

sys.exit(main())
