"""Settings for the test suite: the production settings with a fast hasher and in-memory mail."""

import os

os.environ["LIAISON_TESTING"] = "1"

from liaison.settings import *  # noqa: E402,F403
