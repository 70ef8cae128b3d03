"""Settings for the test suite: the production settings with a fast hasher and in-memory mail."""

import os

os.environ["LIAISON_TESTING"] = "1"

from liaison.settings import *  # noqa: F403 - the test settings are the production ones with a few changes
