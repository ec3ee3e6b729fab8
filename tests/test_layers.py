"""ARCHITECTURE.md: models/ and services/ never import PySide6 (the CLI and the night run use
the whole domain without a display). Checked in a fresh interpreter, whatever tests ran before."""

import subprocess
import sys

from tests.conftest import REPO

WALK = """
import pkgutil, importlib, sys
import app.models, app.services
names = []
for package in (app.models, app.services):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)
qt = sorted(m for m in sys.modules if m == "PySide6" or m.startswith(("PySide6.", "shiboken6")))
print(len(names))
print(",".join(qt))
"""


def test_models_and_services_do_not_load_qt():
    done = subprocess.run([sys.executable, "-c", WALK], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    count, qt_modules = done.stdout.split("\n")[:2]
    assert int(count) >= 10  # the walk really imported the packages
    assert qt_modules == ""


def test_the_walk_would_notice_qt():
    probe = WALK.replace("import app.models, app.services", "import app.models, app.services\n"
                         "import PySide6.QtCore")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "PySide6.QtCore" in done.stdout
