"""`python -m devops.sweep`; the guard matters: Dask's worker processes re-import it."""

import sys

from devops.sweep.cli import main

if __name__ == "__main__":
    sys.exit(main())
