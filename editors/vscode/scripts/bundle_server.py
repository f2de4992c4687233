"""Stage the server into editors/vscode/server/ for a platform-specific .vsix.

    python scripts/bundle_server.py --target linux-x64 [--out server]

Writes `server/wheels/` (this checkout's wheel plus every dependency's wheel for each supported
CPython minor, from PyPI), `server/pip/` (a pip wheel, run as `python pip.whl/pip` to install
into the extension's private venv without ensurepip) and `server/manifest.json`, which the
extension reads to know the server version and which Pythons the wheels fit.
"""

from __future__ import annotations

import argparse
import email.parser
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

HERE = Path(__file__).resolve().parent
EXTENSION = HERE.parent
REPO = EXTENSION.parent.parent

# py-tree-sitter ships one wheel per CPython minor; every minor we accept needs its own.
PYTHON_MINORS = ("3.10", "3.11", "3.12", "3.13", "3.14")

# VS Code target -> pip platform tag. pip expands a manylinux_2_28 tag to every older manylinux
# tag, so the bundle runs on glibc >= 2.28.
PLATFORMS = {
    "linux-x64": "manylinux_2_28_x86_64",
    "linux-arm64": "manylinux_2_28_aarch64",
}


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def download(requirements: list[str], minor: str, platform: str, dest: Path) -> None:
    pip(
        "download",
        "--quiet",
        "--only-binary=:all:",
        "--python-version",
        minor,
        "--implementation",
        "cp",
        "--platform",
        platform,
        "--dest",
        str(dest),
        *requirements,
    )


def wheel_metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))


def missing_for(minor: str, wheels: Path) -> list[str]:
    """Requirements of the wheels in `wheels` that apply on Python `minor` but have no wheel.

    pip evaluates environment markers against the Python running it, not `--python-version`,
    so a 3.11 build would leave out `tomli; python_version < "3.11"` for 3.10.
    """
    have = {canonicalize_name(parse_wheel_filename(w.name)[0]) for w in wheels.glob("*.whl")}
    environment = {"python_version": minor, "python_full_version": f"{minor}.0", "extra": ""}
    missing: set[str] = set()
    for wheel in wheels.glob("*.whl"):
        for line in wheel_metadata(wheel).get_all("Requires-Dist") or []:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate(environment):
                continue
            if canonicalize_name(requirement.name) not in have:
                requirement.marker = None
                missing.add(str(requirement))
    return sorted(missing)


def build_own_wheel(dest: Path) -> Path:
    pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(dest), str(REPO))
    (wheel,) = dest.glob("elixir_perf_lsp-*.whl")
    return wheel


def bundle(target: str, out: Path) -> dict[str, object]:
    platform = PLATFORMS[target]
    if out.exists():
        shutil.rmtree(out)
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as scratch:
        own = build_own_wheel(Path(scratch))
        shutil.copy2(own, wheels / own.name)
    version = str(parse_wheel_filename(own.name)[1])
    for minor in PYTHON_MINORS:
        download([str(wheels / own.name)], minor, platform, wheels)
        # Marker-gated dependencies (and theirs) until nothing is missing for this minor.
        while missing := missing_for(minor, wheels):
            download(missing, minor, platform, wheels)
    pip(
        "download", "--quiet", "--only-binary=:all:", "--no-deps", "--dest", str(out / "pip"), "pip"
    )
    manifest: dict[str, object] = {
        "name": "elixir-perf-lsp",
        "version": version,
        "target": target,
        "pythons": list(PYTHON_MINORS),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, choices=sorted(PLATFORMS))
    parser.add_argument("--out", type=Path, default=EXTENSION / "server")
    args = parser.parse_args()
    manifest = bundle(args.target, args.out)
    files = sorted(p.name for p in (args.out / "wheels").glob("*.whl"))
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(
        f"bundled elixir-perf-lsp {manifest['version']} for {args.target}: {len(files)} wheels, "
        f"{size / 1e6:.1f} MB"
    )
    for name in files:
        print(f"  {name}")


if __name__ == "__main__":
    main()
