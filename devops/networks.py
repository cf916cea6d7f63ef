"""`python -m devops.networks`: the network configurations (see `devops.harness.networks`)."""

import sys

from devops.harness.networks import main

if __name__ == "__main__":
    sys.exit(main())
