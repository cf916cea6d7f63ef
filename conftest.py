"""Project-wide pytest plugins."""

pytest_plugins = ["devops.fidelity.pytest_plugin", "devops.pytest_plugin"]
