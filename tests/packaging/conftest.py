"""The packaging scripts are plain modules in packaging/ (not a package: that name is taken by pypa's `packaging`),
importing each other by name, as they do when build.py runs."""

import sys
from pathlib import Path

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
if str(PACKAGING) not in sys.path:
    sys.path.append(str(PACKAGING))
