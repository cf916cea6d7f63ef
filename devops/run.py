"""`python -m devops.run`: the scenario command line (see `devops.harness.cli`)."""

import sys

from devops.harness.cli import main

if __name__ == "__main__":
    sys.exit(main())
