#!/usr/bin/env bash
# Real editor clients for the journeys in tests/e2e/, installed from the Debian mirror alone
# (see /work/shared/editor-clients.md for the measurements behind each choice).
#
#   .ci/editor-clients.sh ci     DIR PYTHON PATH... everything below for the journeys, timed: tmux and
#                                                 debootstrap, hx, the trixie and sid chroots (built in
#                                                 parallel), rassumfrassum into PYTHON's venv, the mounts
#   .ci/editor-clients.sh helix  DIR            hx from trixie, run on this machine through its own ld.so
#   .ci/editor-clients.sh chroot DIR SUITE PKG...   debootstrap SUITE into DIR/SUITE and install PKG...
#   .ci/editor-clients.sh mount  DIR PYTHON PATH... bind-mount what the chroots' editors must see: /proc,
#                                                 /sys, /dev, /tmp, each PATH, and PYTHON's interpreter
#   .ci/editor-clients.sh env    DIR            print the variables tests/e2e/support.py reads
#   .ci/editor-clients.sh clean  DIR            unmount every bind mount under DIR, then delete DIR
#
# DIR must not be under /tmp (it is bind-mounted into the chroots). Run as root.
set -euo pipefail

die() { echo "editor-clients: $*" >&2; exit 1; }

# The mirror the machine is configured with (deb822 first, then sources.list).
mirror() {
  local uri
  uri=$(grep -hm1 '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' || true)
  [[ -n $uri ]] || uri=$(grep -hm1 '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

# The mirror's sid/trixie Release files may be past Valid-Until (frozen mirror copies).
APT_NO_VALID_UNTIL='Acquire::Check-Valid-Until "false";'

helix() {
  local dir=$1 root=$1/helix lists=$1/helix-apt
  mkdir -p "$root" "$lists/lists/partial" "$lists/cache/archives/partial" "$lists/debs"
  echo "deb $(mirror) trixie main" >"$lists/sources.list"
  local -a opts=(-o "Dir::Etc::SourceList=$lists/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$lists/lists" -o "Dir::Cache=$lists/cache" -o Acquire::Check-Valid-Until=false)
  apt-get "${opts[@]}" update -qq
  # hx links only glibc and libgcc; both come from trixie with it (bookworm's glibc is too old).
  (cd "$lists/debs" && apt-get "${opts[@]}" download -qq hx libc6 libgcc-s1)
  for deb in "$lists/debs"/*.deb; do dpkg -x "$deb" "$root"; done
  "$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu" \
    "$root/usr/bin/hx" --version
}

chroot_suite() {
  local dir=$1 suite=$2; shift 2
  local root=$dir/$suite
  [[ -x $root/usr/bin/apt-get ]] || debootstrap --variant=minbase "$suite" "$root" "$(mirror)" >/dev/null
  echo "$APT_NO_VALID_UNTIL" >"$root/etc/apt/apt.conf.d/99no-valid-until"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" apt-get update -qq
  # libexpat1/zlib1g: what the bind-mounted host Python links besides glibc.
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libexpat1 zlib1g "$@" >/dev/null
  chroot "$root" apt-get clean
}

bind() {  # bind SRC DST: bind-mount SRC at DST (creating DST like SRC), once
  local src=$1 dst=$2
  mountpoint -q "$dst" 2>/dev/null && return 0
  if [[ -d $src ]]; then mkdir -p "$dst"; else mkdir -p "$(dirname "$dst")"; touch "$dst"; fi
  mount --bind "$src" "$dst"
  # On a systemd host mounts are shared: without this, mounts made under DST (/dev/pts under /dev)
  # would propagate back to the host's tree, and so would their unmounting.
  mount --make-private "$dst"
}

# Lines "bind PATH" / "link PATH TARGET": what makes PYTHON (a venv's interpreter, say) start inside a
# chroot that shares /tmp and the given paths: its base installation, or on a Debian /usr Python the
# interpreter file, its stdlib and the symlinks leading to it.
python_exposure() {
  "$1" - <<'EOF'
import os
import sys
import sysconfig

if sys.base_prefix != "/usr":
    print("bind", sys.base_prefix)
else:
    print("bind", sysconfig.get_paths()["stdlib"])
    path = sys.executable
    while os.path.islink(path):
        target = os.readlink(path)
        if not path.startswith(sys.prefix + "/"):
            print("link", path, target)
        path = os.path.join(os.path.dirname(path), target)
    print("bind", os.path.realpath(path))
EOF
}

mount_all() {
  local dir=$1 python=$2; shift 2
  local root suite kind path target
  for root in "$dir"/*/; do
    root=${root%/}
    [[ -x $root/usr/bin/apt-get ]] || continue
    for path in /proc /sys /dev /dev/pts /tmp; do bind "$path" "$root$path"; done
    for path in "$@"; do
      # Already visible through /tmp: binding it again would mount onto the host's own /tmp.
      case $path in /tmp/*) continue ;; esac
      bind "$path" "$root$path"
    done
    while read -r kind path target; do
      case $kind in
        bind) bind "$path" "$root$path" ;;
        link) [[ -e $root$path || -L $root$path ]] || ln -s "$target" "$root$path" ;;
      esac
    done < <(python_exposure "$python")
    suite=$(basename "$root")
    chroot "$root" "$python" -c 'import sys; print("'"$suite"': python", sys.version.split()[0], "runs")'
  done
}

env_vars() {
  local dir=$1
  [[ -x $dir/helix/usr/bin/hx ]] && echo "export ELIXIR_PERF_HELIX_ROOT=$dir/helix"
  [[ -x $dir/trixie/usr/bin/apt-get ]] && echo "export ELIXIR_PERF_CHROOT_TRIXIE=$dir/trixie"
  [[ -x $dir/sid/usr/bin/apt-get ]] && echo "export ELIXIR_PERF_CHROOT_SID=$dir/sid"
  return 0
}

clean() {
  local dir=$1 mnt
  [[ -d $dir ]] || return 0
  dir=$(realpath "$dir")
  # Deepest first; `rm -rf` through a live bind mount would delete the host's files.
  while read -r mnt; do
    umount "$mnt" || umount -l "$mnt"
  done < <(findmnt -rn -o TARGET | grep -E "^$dir/" | sort -r)
  if findmnt -rn -o TARGET | grep -qE "^$dir/"; then
    die "still mounted under $dir; not deleting"
  fi
  rm -rf --one-file-system "$dir"
}

# Packages per chroot: what tests/e2e/ drives in each.
# libffi8: the server runs inside the chroot with the host's Python, whose _ctypes needs it
# (the analysis time budget interrupts a thread through ctypes).
TRIXIE_PACKAGES=(neovim emacs-nox elpa-lsp-mode libffi8)
SID_PACKAGES=(neovim libffi8)
RASS=rassumfrassum==0.3.5

ci() {
  local dir=$1 python=$2; shift 2
  local start=$SECONDS t0 name failed=0
  local -a missing=()
  command -v tmux >/dev/null || missing+=(tmux)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  if ((${#missing[@]})); then
    t0=$SECONDS
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
    echo "editors: apt-get install ${missing[*]}: $((SECONDS - t0)) s"
  fi
  mkdir -p "$dir"
  # Three downloads at once: each waits on the network more than on the CPU.
  local -A jobs=()
  timed() { local n=$1; shift; local s=$SECONDS; "$@" >"$dir/$n.log" 2>&1; echo "$((SECONDS - s))" >"$dir/$n.time"; }
  timed helix "$0" helix "$dir" & jobs[helix]=$!
  timed trixie "$0" chroot "$dir" trixie "${TRIXIE_PACKAGES[@]}" & jobs[trixie]=$!
  timed sid "$0" chroot "$dir" sid "${SID_PACKAGES[@]}" & jobs[sid]=$!
  for name in helix trixie sid; do
    if wait "${jobs[$name]}"; then
      echo "editors: $name ready: $(cat "$dir/$name.time") s"
    else
      failed=1
      echo "editors: $name FAILED; its log:" >&2
      tail -n 30 "$dir/$name.log" >&2
    fi
  done
  ((failed == 0)) || die "could not install the editor clients"
  t0=$SECONDS
  "$python" -m pip install -q "$RASS"
  echo "editors: pip install $RASS: $((SECONDS - t0)) s"
  local size
  size=$(du -sm "$dir" | cut -f1)  # before the mounts, which would count the host's files
  t0=$SECONDS
  mount_all "$dir" "$python" "$@"
  echo "editors: mounts: $((SECONDS - t0)) s"
  echo "editors: all clients: $((SECONDS - start)) s, $size MB"
}

[[ $# -ge 2 ]] || die "usage: $0 helix|chroot|mount|env|clean DIR ..."
cmd=$1 dir=$2; shift 2
case $dir in /tmp | /tmp/*) die "DIR must not be under /tmp: it is bind-mounted into the chroots" ;; esac
case $cmd in
  ci) [[ $# -ge 1 ]] || die "ci DIR PYTHON PATH..."; ci "$dir" "$@" ;;
  helix) helix "$dir" ;;
  chroot) [[ $# -ge 1 ]] || die "chroot DIR SUITE PKG..."; chroot_suite "$dir" "$@" ;;
  mount) [[ $# -ge 1 ]] || die "mount DIR PYTHON PATH..."; mount_all "$dir" "$@" ;;
  env) env_vars "$dir" ;;
  clean) clean "$dir" ;;
  *) die "unknown command $cmd" ;;
esac
