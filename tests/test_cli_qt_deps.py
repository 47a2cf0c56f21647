"""`make run`'s check of the system libraries Qt's platform plugin needs (annotator.qt_deps),
fed with real `ldd` output captured on a fresh Debian 12 machine where the xcb plugin could not
load (tests/data/ldd_libq*_debian12.txt)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import qt_deps

DATA = Path(__file__).resolve().parent / "data"
LDD_XCB = (DATA / "ldd_libqxcb_debian12.txt").read_text()
LDD_WAYLAND = (DATA / "ldd_libqwayland_debian12.txt").read_text()


def without_missing(ldd_output: str) -> str:
    return "\n".join(line for line in ldd_output.splitlines() if "not found" not in line)


def fake_ldd(by_plugin: dict[str, str]):
    """Stands in for running ldd: the captured output of the plugin file asked about."""
    def ldd(files: list[Path]) -> str:
        assert files, "a plugin file to inspect"
        return next(text for key, text in by_plugin.items() if key in files[0].name)
    return ldd


def test_missing_libraries_are_read_once_each_from_real_ldd_output():
    """ldd lists libxcb-icccm twice (needed by two objects); it is reported once."""
    assert LDD_XCB.count("libxcb-icccm.so.4 => not found") == 2
    assert qt_deps.missing_libraries(LDD_XCB) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert qt_deps.missing_libraries(LDD_WAYLAND) == ["libwayland-cursor.so.0"]
    assert qt_deps.missing_libraries(without_missing(LDD_XCB)) == []


@pytest.mark.parametrize("soname, package", [
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),  # a name ending in a digit: a dash
    ("libX11-xcb.so.1", "libx11-xcb1"),  # lower case
    ("libdbus-1.so.3", "libdbus-1-3"),
    ("libgssapi_krb5.so.2", "libgssapi-krb5-2"),  # underscores become dashes
    ("libglib-2.0.so.0", "libglib2.0-0"),  # exceptions to the policy
    ("libz.so.1", "zlib1g"),
    ("libGLdispatch.so.0", "libglvnd0"),
    ("libfoo.so.1.2.3", "libfoo1"),
    ("not-a-soname", None),
])
def test_sonames_map_to_debian_package_names(soname, package):
    assert qt_deps.debian_package(soname) == package


def test_every_library_ldd_finds_here_maps_to_the_package_dpkg_says_owns_it():
    """On a Debian-like machine, the mapping agrees with dpkg for each library the real plugin
    loads from the system (Ubuntu's 't64' renames count as agreeing)."""
    folder = qt_deps.plugin_dir()
    if folder is None or shutil.which("dpkg") is None or shutil.which("ldd") is None:
        pytest.skip("needs PySide6's plugins, ldd and dpkg")
    output = qt_deps.run_ldd(sorted(folder.glob("libq*.so")))
    paths = dict(re.findall(r"^\s*(\S+) => (/\S+)", output, re.M))
    system = {so: path for so, path in paths.items() if "PySide6" not in path}
    assert system, output
    # dpkg knows a file under the path its package installed it to: /lib or /usr/lib
    variants = {v: so for so, path in system.items()
                for v in (path, "/usr" + path if path.startswith("/lib/") else path)}
    proc = subprocess.run(["dpkg", "-S", *variants], capture_output=True, text=True)
    owners = {variants[path]: package.split(":")[0]
              for package, path in re.findall(r"^(\S+): (/\S+)$", proc.stdout, re.M)}
    assert len(owners) >= len(system) * 0.9, (owners, system)
    wrong = {so: (owner, qt_deps.debian_package(so)) for so, owner in owners.items()
             if owner.removesuffix("t64") != qt_deps.debian_package(so)}
    assert wrong == {}


def test_check_on_an_x11_desktop_names_the_missing_packages():
    result = qt_deps.check({"DISPLAY": ":0"}, fake_ldd({"qxcb": LDD_XCB}), candidates=None)
    assert not result.ok
    assert result.platforms == ["xcb"]
    assert result.missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert result.packages == ["libxcb-icccm4", "libxcb-keysyms1"]


def test_check_in_a_wayland_session_is_fine_when_either_plugin_loads():
    ldd = fake_ldd({"wayland": LDD_WAYLAND, "qxcb": without_missing(LDD_XCB)})
    assert qt_deps.check({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, ldd, None).ok
    both_broken = fake_ldd({"wayland": LDD_WAYLAND, "qxcb": LDD_XCB})
    result = qt_deps.check({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, both_broken, None)
    assert result.platforms == ["wayland", "xcb"]
    assert result.packages == ["libwayland-cursor0", "libxcb-icccm4", "libxcb-keysyms1"]


@pytest.mark.parametrize("env", [
    {},  # no display: make test, CI
    {"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"},
    {"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "minimal"},
])
def test_nothing_is_checked_without_a_display_or_with_a_headless_platform(env):
    def ldd(_files):
        raise AssertionError("ldd must not run")
    result = qt_deps.check(env, ldd, None)
    assert result.ok and result.platforms == []


def test_qt_qpa_platform_chooses_the_plugin_checked():
    assert qt_deps.platforms_to_check({"QT_QPA_PLATFORM": "xcb"}) == ["xcb"]
    assert qt_deps.platforms_to_check({"QT_QPA_PLATFORM": "wayland;xcb"}) == ["wayland", "xcb"]
    assert qt_deps.platforms_to_check({"DISPLAY": ":1"}) == ["xcb"]


def test_a_t64_rename_is_used_when_only_it_is_offered():
    """Ubuntu 24.04 ships libglib2.0-0t64 instead of libglib2.0-0."""
    offered = {"libglib2.0-0t64", "libxcb-icccm4"}
    packages = qt_deps.choose_packages(["libglib-2.0.so.0", "libxcb-icccm.so.4"],
                                       lambda names: offered & set(names))
    assert packages == ["libglib2.0-0t64", "libxcb-icccm4"]
    # an index that offers neither (apt lists not downloaded yet): the policy name
    assert qt_deps.choose_packages(["libxcb-icccm.so.4"], lambda _n: set()) == ["libxcb-icccm4"]


def test_apt_candidates_reads_the_real_package_index():
    if shutil.which("apt-cache") is None:
        pytest.skip("needs apt-cache")
    offered = qt_deps.apt_candidates(["libxcb-icccm4", "no-such-package-annotator"])
    if not offered:
        pytest.skip("apt's package lists are empty here (no apt-get update yet)")
    assert offered == {"libxcb-icccm4"}


def test_the_message_gives_the_exact_command_with_sudo_unless_root():
    result = qt_deps.Check(["xcb"], ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"],
                           ["libxcb-icccm4", "libxcb-keysyms1"])
    as_user = qt_deps.describe(result, as_root=False)
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in as_user
    assert ("\n  sudo apt-get install -y --no-install-recommends libxcb-icccm4 libxcb-keysyms1"
            in as_user)
    assert "\n  apt-get install -y" in qt_deps.describe(result, as_root=True)


def test_the_module_exits_0_and_says_nothing_without_a_display():
    """What `make run` runs before the window; `make test` never needs a desktop."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    proc = subprocess.run([sys.executable, "-m", "annotator.qt_deps", "--install"], env=env,
                          capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_the_module_does_not_import_pyside6():
    """Importing PySide6's widgets is what fails when the libraries are missing."""
    script = ("import sys, annotator.qt_deps as q; q.plugin_dir(); "
              "print(sorted(m for m in sys.modules if m.startswith('PySide6')))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert proc.stdout.strip() == "[]"
