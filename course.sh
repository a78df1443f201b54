#!/usr/bin/env bash
# Set up the course's environment, then run its main job or its tests.
#
#   bash course.sh        # set up, then: data sets, releases, nbgrader grading run, score table
#   bash course.sh test   # set up, then: every test (pytest)
#
# Setting up installs what is missing and nothing else: Debian packages (python3-venv, bubblewrap;
# as root, or with sudo), a virtual environment in .venv with the pinned requirements.txt, and this
# repository's grading package (editable), so that re-runs are quick.
set -euo pipefail
cd "$(dirname "$0")"

setup() {
    if ! command -v python3 >/dev/null; then
        echo "python3 is not installed: on Debian, run: apt-get install python3 python3-venv" >&2
        exit 1
    fi
    if ! python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        echo "warning: the course is pinned and tested for Python 3.11; this is $(python3 --version)" >&2
    fi
    local missing=()
    python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
    command -v bwrap >/dev/null || missing+=(bubblewrap)  # the grader's sandbox
    if [ ${#missing[@]} -gt 0 ]; then
        local sudo=""
        [ "$(id -u)" = 0 ] || sudo="sudo"
        echo "Installing Debian packages: ${missing[*]}"
        $sudo apt-get update
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    fi
    [ -x .venv/bin/python ] || python3 -m venv .venv
    local stamp=.venv/.course-installed want
    want=$( (pwd; cat requirements.txt pyproject.toml) | sha256sum | cut -d" " -f1)  # the editable install records this folder
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "Installing the pinned Python packages into .venv (a few minutes the first time)"
        .venv/bin/python -m pip install --quiet -r requirements.txt
        .venv/bin/python -m pip install --quiet --no-deps -e .
        echo "$want" > "$stamp"
    fi
    export PATH="$PWD/.venv/bin:$PATH"
    export MPLBACKEND=Agg
}

case "${1:-main}" in
    main) setup; exec python -m autograder.pipeline ;;
    test) setup; exec python -m pytest "${@:2}" ;;
    *) echo "usage: bash course.sh [main|test [pytest options]]" >&2; exit 2 ;;
esac
