"""Build the PyInstaller bundle and prove it works frozen (called by `make package`).

1. `pyinstaller installer/collecta.spec` → dist/collecta/ (onedir: `collecta` + `collecta-gui`).
2. Smoke-test the frozen program on a fresh, temporary data folder, offscreen:
   `collecta version` (the bundled migrations are found), `collecta --smoke` (the app creates its
   demo database, opens the main window, loads the worklist and quits with status 0), and
   `collecta debtors list --format csv` on that database.
3. On Windows, `--installer` also compiles installer/collecta.iss with Inno Setup (ISCC.exe).

Usage: python installer/build.py [--skip-build] [--installer]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "collecta"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
SMOKE_TIMEOUT_S = 180


def build() -> None:
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(ROOT / "build" / "pyinstaller"),
         str(ROOT / "installer" / "collecta.spec")],
        cwd=ROOT, check=True,
    )


def _run(argv: list[str], env: dict[str, str], expect: str) -> None:
    shown = " ".join(argv[1:]) or "(no arguments)"
    try:
        done = subprocess.run(
            argv, env=env, capture_output=True, text=True, timeout=SMOKE_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        sys.exit(f"package smoke: 'collecta {shown}' did not finish in {SMOKE_TIMEOUT_S} s")
    if done.returncode != 0 or expect not in done.stdout:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"package smoke: 'collecta {shown}' exited {done.returncode}"
                 f"{'' if expect in done.stdout else f' without printing {expect!r}'}")
    print(f"  ok  collecta {shown}")


def check_data_files() -> None:
    """Every resource and migration script of the source tree is in the bundle."""
    internal = BUNDLE / "_internal"
    missing = [
        str(path.relative_to(ROOT))
        for folder in (ROOT / "resources", ROOT / "app" / "migrations")
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
        and not (internal / path.relative_to(ROOT)).is_file()
    ]
    if missing:
        sys.exit(f"package: {len(missing)} data files missing from the bundle, e.g. {missing[:3]}")
    print("  ok  resources/ and app/migrations/ are in the bundle")


def smoke() -> None:
    program = BUNDLE / f"collecta{EXE_SUFFIX}"
    gui = BUNDLE / f"collecta-gui{EXE_SUFFIX}"
    for exe in (program, gui):
        if not exe.is_file():
            sys.exit(f"package smoke: {exe} was not built")
    with tempfile.TemporaryDirectory(prefix="collecta-package-") as data:
        env = {k: v for k, v in os.environ.items() if k not in ("COLLECTA_DB", "PYTHONPATH")}
        env.update(COLLECTA_DATA_DIR=data, QT_QPA_PLATFORM="offscreen")
        # Run from an unrelated folder so nothing can be found next to the sources by accident
        # (and leave it before the folder is removed: Windows cannot delete the cwd).
        os.chdir(data)
        try:
            _run([str(program), "version"], env, "(schema ")
            _run([str(program), "--smoke"], env, "smoke ok")
            _run([str(program), "debtors", "list", "--format", "csv"], env, "ref,name,")
        finally:
            os.chdir(ROOT)


def inno_setup() -> None:
    iscc = shutil.which("ISCC") or shutil.which("iscc")
    if iscc is None:
        sys.exit("Inno Setup's ISCC.exe is not on PATH (https://jrsoftware.org/isinfo.php)")
    from app import __version__

    subprocess.run([iscc, f"/DAppVersion={__version__}", str(ROOT / "installer" / "collecta.iss")],
                   cwd=ROOT, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", action="store_true", help="only smoke-test dist/collecta")
    parser.add_argument("--installer", action="store_true",
                        help="also compile the Windows installer with Inno Setup")
    args = parser.parse_args()
    started = time.monotonic()
    if not args.skip_build:
        build()
        print(f"built {BUNDLE} in {time.monotonic() - started:.0f} s")
    smoke_started = time.monotonic()
    check_data_files()
    smoke()
    print(f"frozen smoke passed in {time.monotonic() - smoke_started:.0f} s "
          f"(total {time.monotonic() - started:.0f} s)")
    if args.installer:
        inno_setup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
