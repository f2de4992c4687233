"""The benchmark's projects: read `projects.toml`, extract each pinned commit from its mirror.

Projects come from bare git mirrors that the session's `fetch` tool brings to
`/work/.mirror/<owner>+<name>/repo` (`--mirror DIR` or `PRECISION_MIRROR` point
elsewhere). CI has no network, so a missing mirror is a clear error, not a download.
Each project is extracted with `git archive` into the gitignored `benchmarks/.corpus/`;
a stamp file remembers which commit and paths are there, so re-runs skip the work.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
PROJECTS_FILE = HERE / "projects.toml"
CORPUS_DIR = HERE.parent / ".corpus"
DEFAULT_MIRROR = Path("/work/.mirror")
_STAMP = ".precision-stamp"
CONFIG_NAME = ".elixir-perf.toml"
# Bumped when what an extraction contains changes, so old extractions are redone.
_LAYOUT = "layout-2"
# Where the CLI reads the target Elixir/OTP versions from, besides mix.exs.
_TARGET_FILES = (".tool-versions", "mise.toml", ".mise.toml")


class ProjectError(Exception):
    """A project that cannot be materialised; the message says what to do."""


@dataclass(frozen=True)
class Project:
    name: str
    repo: str  # owner/name on GitHub
    commit: str
    paths: tuple[str, ...]

    def mirror(self, root: Path) -> Path:
        return root / self.repo.replace("/", "+") / "repo"


def load_projects(path: Path = PROJECTS_FILE) -> list[Project]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    projects = []
    for entry in data.get("project", []):
        missing = {"name", "repo", "commit", "paths"} - entry.keys()
        if missing:
            raise ProjectError(f"{path}: project {entry.get('name', '?')} lacks {sorted(missing)}")
        projects.append(
            Project(entry["name"], entry["repo"], entry["commit"], tuple(entry["paths"]))
        )
    names = [p.name for p in projects]
    if len(set(names)) != len(names):
        raise ProjectError(f"{path}: duplicate project names in {names}")
    return projects


def materialise(project: Project, mirror_root: Path, corpus: Path = CORPUS_DIR) -> Path:
    """The project's files at its pinned commit, extracted once into `corpus/<name>`."""
    target = corpus / project.name
    stamp = f"{project.commit} {' '.join(project.paths)} {_LAYOUT}\n"
    stamp_file = target / _STAMP
    if stamp_file.is_file() and stamp_file.read_text(encoding="utf-8") == stamp:
        return target
    git_dir = project.mirror(mirror_root)
    if not git_dir.is_dir():
        raise ProjectError(
            f"{project.name}: no mirror at {git_dir}. Bring it with the session's fetch tool "
            f"(fetch github:{project.repo}), or pass --mirror DIR; CI has no network, so "
            "this benchmark runs only where the mirrors are."
        )
    files = _sources_at(git_dir, project.commit, project.paths)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    _extract(git_dir, files, target)
    # The CLI looks for its config upward to the filesystem root: an empty one here keeps
    # any config of the directories above (this repository's own, say) out of the results.
    (target / CONFIG_NAME).write_text("# isolates the benchmark from parent configs\n")
    stamp_file.write_text(stamp, encoding="utf-8")
    return target


def _sources_at(git_dir: Path, commit: str, paths: tuple[str, ...]) -> list[tuple[str, str]]:
    """(blob, path) of the Elixir sources under `paths` at `commit`, plus the files that
    decide target versions. Only these are extracted: snapshots lack large blobs."""
    listing = subprocess.run(
        [
            "git",
            f"--git-dir={git_dir}",
            "ls-tree",
            "-r",
            "-z",
            commit,
            "--",
            *paths,
            *_TARGET_FILES,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if listing.returncode != 0:
        raise ProjectError(
            f"commit {commit} not in {git_dir} ({listing.stderr.strip()}); fetch the "
            "repository again or pin a commit the mirror has"
        )
    files = []
    for entry in listing.stdout.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, blob = meta.split()
        if kind == "blob" and mode != "120000" and _wanted(path):
            files.append((blob, path))
    if not any(path.endswith((".ex", ".exs")) for _, path in files):
        raise ProjectError(f"no Elixir source under {list(paths)} at {commit} in {git_dir}")
    return files


def _wanted(path: str) -> bool:
    return path.endswith((".ex", ".exs")) or path in _TARGET_FILES


def _extract(git_dir: Path, files: list[tuple[str, str]], target: Path) -> None:
    """Write each blob to its path; a blob the snapshot lacks is skipped."""
    request = "".join(f"{blob}\n" for blob, _ in files).encode()
    done = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        input=request,
        capture_output=True,
        check=True,
    )
    out = done.stdout
    at = 0
    for _, path in files:
        header_end = out.index(b"\n", at)
        header = out[at:header_end].split()
        at = header_end + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(out[at : at + size])
        at += size + 1
