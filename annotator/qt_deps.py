"""The system libraries Qt's platform plugin needs on Linux, found with ``ldd`` and named as
Debian packages, so ``make run`` can install them and ``annotator gui`` can say what is missing.

PySide6's wheels bring Qt itself but not the X11/Wayland client libraries of the desktop: on a
fresh Debian desktop ``libqxcb.so`` lacks ``libxcb-icccm.so.4``, ``libxcb-keysyms.so.1`` and
others, and Qt stops with "Could not load the Qt platform plugin 'xcb'". This module does not
import PySide6 (importing it is what fails); it finds the wheel's files with ``importlib``.

Run ``python -m annotator.qt_deps`` to check (exit 1 and the exact ``apt-get`` command when
something is missing) or with ``--install`` to install the missing packages when it runs as
root or with passwordless sudo. Without a display ($DISPLAY or $WAYLAND_DISPLAY) it does
nothing: headless tests use Qt's ``offscreen`` plugin, which needs none of these libraries.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# Sonames whose Debian package does not follow the library packaging policy's naming rule.
EXCEPTIONS = {
    "libz.so.1": "zlib1g",
    "libc.so.6": "libc6", "libm.so.6": "libc6", "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6", "librt.so.1": "libc6", "libresolv.so.2": "libc6",
    "libutil.so.1": "libc6", "libanl.so.1": "libc6", "libmvec.so.1": "libc6",
    "libgcc_s.so.1": "libgcc-s1",
    "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0", "libgio-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libGLdispatch.so.0": "libglvnd0",
    "libharfbuzz.so.0": "libharfbuzz0b",
    "libbrotlidec.so.1": "libbrotli1", "libbrotlicommon.so.1": "libbrotli1",
}
# The platform plugin files of each Qt platform name we check (globs under plugins/platforms).
PLUGIN_GLOBS = {"xcb": "libqxcb.so", "wayland": "libqwayland*.so"}
_SONAME = re.compile(r"(?P<name>lib[\w+.-]+?)\.so\.(?P<major>\d+)(?:\.[\d.]+)?")
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")


def missing_libraries(ldd_output: str) -> list[str]:
    """The sonames ``ldd`` reports as ``not found``, sorted, each once (ldd repeats a library
    for every object that needs it)."""
    found = {m.group(1) for line in ldd_output.splitlines() if (m := _NOT_FOUND.match(line))}
    return sorted(found)


def debian_package(soname: str) -> str | None:
    """The Debian package that ships ``soname`` by the library packaging policy (``libfoo.so.1``
    -> ``libfoo1``; a name ending in a digit gets a dash: ``libxkbcommon-x11.so.0`` ->
    ``libxkbcommon-x11-0``), or a known exception; None for a name that is not a soname."""
    if soname in EXCEPTIONS:
        return EXCEPTIONS[soname]
    match = _SONAME.fullmatch(soname)
    if match is None:
        return None
    name = match["name"].lower().replace("_", "-")
    return f"{name}{'-' if name[-1].isdigit() else ''}{match['major']}"


def choose_packages(sonames: Iterable[str],
                    candidates: Callable[[list[str]], set[str]] | None = None) -> list[str]:
    """Debian package names for the missing sonames, sorted. ``candidates(names)`` says which
    names the package index offers (see :func:`apt_candidates`); where the policy name is not
    offered but its ``t64`` variant is (Ubuntu 24.04 renamed many libraries), that one is used.
    A soname that maps to no package name is left out (the caller still reports it)."""
    names = sorted({p for s in sonames if (p := debian_package(s))})
    if candidates is None or not names:
        return names
    offered = candidates(names + [f"{n}t64" for n in names])
    return sorted({f"{n}t64" if n not in offered and f"{n}t64" in offered else n
                   for n in names})


def apt_candidates(names: list[str]) -> set[str]:
    """The names among ``names`` with an installable candidate in apt's index (``apt-cache
    policy``); an empty set when apt-cache is not there or fails."""
    if not names or shutil.which("apt-cache") is None:
        return set()
    proc = subprocess.run(["apt-cache", "policy", *names], capture_output=True, text=True,
                          check=False)
    offered, current = set(), None
    for line in proc.stdout.splitlines():
        if line and not line[0].isspace() and line.endswith(":"):
            current = line[:-1]
        elif current and line.strip().startswith("Candidate:"):
            if line.split(":", 1)[1].strip() != "(none)":
                offered.add(current)
    return offered


def platforms_to_check(env: Mapping[str, str]) -> list[str]:
    """The Qt platforms the app would try, in order: none without a display or when
    QT_QPA_PLATFORM names one that needs no desktop libraries (offscreen, minimal, vnc)."""
    forced = env.get("QT_QPA_PLATFORM", "").strip()
    if forced:
        names = [p.split(":")[0].strip() for p in forced.split(";")]
        return [p for p in names if p in PLUGIN_GLOBS]
    platforms = []
    if env.get("WAYLAND_DISPLAY"):
        platforms.append("wayland")  # Qt 6 prefers Wayland in a Wayland session ...
    if env.get("DISPLAY"):
        platforms.append("xcb")  # ... and falls back to X11 (XWayland)
    return platforms


def plugin_dir() -> Path | None:
    """PySide6's ``Qt/plugins/platforms`` folder, found without importing PySide6."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms"
    return folder if folder.is_dir() else None


def run_ldd(files: list[Path]) -> str:
    """``ldd``'s output for the files ('' when ldd is not there)."""
    if not files or shutil.which("ldd") is None:
        return ""
    proc = subprocess.run(["ldd", *map(str, files)], capture_output=True, text=True,
                          check=False)
    return proc.stdout


@dataclass
class Check:
    """What a platform plugin lacks. ``missing`` are sonames, ``packages`` Debian names;
    ``ok`` is true when some platform Qt would try has everything it needs."""
    platforms: list[str]
    missing: list[str] = field(default_factory=list)
    packages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.missing


def check(env: Mapping[str, str] | None = None,
          ldd: Callable[[list[Path]], str] = run_ldd,
          candidates: Callable[[list[str]], set[str]] | None = apt_candidates) -> Check:
    """Check the plugins Qt would try: fine when any one of them has all its libraries (or
    there is nothing to check); otherwise the union of what they lack."""
    env = os.environ if env is None else env
    platforms = platforms_to_check(env) if sys.platform.startswith("linux") else []
    folder = plugin_dir() if platforms else None
    if folder is None:
        return Check(platforms=[])
    missing: set[str] = set()
    for platform in platforms:
        files = sorted(folder.glob(PLUGIN_GLOBS[platform]))
        if not files:
            continue
        lacking = missing_libraries(ldd(files))
        if not lacking:
            return Check(platforms=platforms)
        missing.update(lacking)
    sonames = sorted(missing)
    return Check(platforms, sonames, choose_packages(sonames, candidates))


def install_command(packages: list[str], as_root: bool) -> list[str]:
    """The ``apt-get install`` command line a person types (with ``sudo`` unless root)."""
    command = ["apt-get", "install", "-y", "--no-install-recommends", *packages]
    return command if as_root else ["sudo", *command]


def _apt(as_root: bool, *args: str) -> list[str]:
    """An apt-get command run here: never asks a question nor waits for a password."""
    command = ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", *args]
    return command if as_root else ["sudo", "-n", *command]


def can_install(as_root: bool) -> bool:
    """Root, or passwordless sudo (``sudo -n true`` succeeds), and apt-get is there."""
    if shutil.which("apt-get") is None:
        return False
    if as_root:
        return True
    if shutil.which("sudo") is None:
        return False
    return subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0


def describe(result: Check, as_root: bool) -> str:
    """The message for a person: what is missing and the exact command that installs it."""
    lines = [f"Qt's {'/'.join(result.platforms)} platform plugin cannot load: these system "
             f"libraries are missing: {', '.join(result.missing)}."]
    if result.packages:
        lines.append("Install them with:")
        lines.append("  " + " ".join(install_command(result.packages, as_root)))
    else:
        lines.append("Install the packages of your distribution that provide them.")
    return "\n".join(lines)


def _install(result: Check, as_root: bool) -> int:
    command = _apt(as_root, "install", "-y", "--no-install-recommends", *result.packages)
    print("Installing Qt's system libraries: " + " ".join(command), file=sys.stderr)
    if subprocess.run(command, check=False).returncode != 0:
        subprocess.run(_apt(as_root, "update"), check=False)  # stale package lists
        if subprocess.run(command, check=False).returncode != 0:
            print("apt-get could not install them.", file=sys.stderr)
            return 2
    after = check()
    if not after.ok:
        print(describe(after, as_root), file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when the desktop can load Qt's plugin (or there is no display to check), 1 when
    libraries are missing and were not installed, 2 when installing them failed."""
    parser = argparse.ArgumentParser(prog="python -m annotator.qt_deps", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--install", action="store_true",
                        help="install what is missing (as root or with passwordless sudo)")
    args = parser.parse_args(argv)
    result = check()
    if result.ok:
        return 0
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    if args.install and result.packages and can_install(as_root):
        return _install(result, as_root)
    print(describe(result, as_root), file=sys.stderr)
    if args.install:
        why = ("this needs root or passwordless sudo" if shutil.which("apt-get")
               else "apt-get is not on this system")
        print(f"Not installed: {why}. Install them, then run `make run` again.",
              file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
