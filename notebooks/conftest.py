"""For `pytest --nbval notebooks/`: nbval with display updates applied, on the offline server.

Not part of the tutorials; see docs/notebooks.md.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "notebooks"))

from nbval_display_updates import (  # noqa: E402, F401
    pytest_collect_file,
    pytest_configure,
    pytest_runtest_setup,
)
