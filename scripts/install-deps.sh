#!/bin/sh
# Installs what relkit needs to build and test, when it is missing:
# libgit2 (with pkg-config), git, python3 (the benchmark generator),
# script(1) (the colour test) and ssh-keygen (relkit signs and verifies
# labels and approvals with it, as git does), gpg (a test signs with openpgp)
# libcurl (the forge client loads it when it first talks to GitHub) and man
# (make install-check renders the man page); and PyPI's jsonschema (the tests
# validate every command's --json with it) and graphql-core (the tests' GitHub
# stand-in answers GraphQL with it).
# Without root it prints the command to run. On macOS (where Fleet's engineers work) it installs
# with Homebrew: libgit2 and pkg-config; git, python3, script, ssh-keygen, libcurl and man come
# with the system and Xcode's command-line tools.
set -eu
if [ "$(uname)" = Darwin ]; then
  brew_missing=""
  pkg-config --exists libgit2 2>/dev/null || brew_missing="$brew_missing libgit2"
  command -v pkg-config >/dev/null 2>&1 || brew_missing="$brew_missing pkg-config"
  command -v gpg >/dev/null 2>&1 || brew_missing="$brew_missing gnupg"
  if [ -n "$brew_missing" ]; then
    if command -v brew >/dev/null 2>&1; then
      echo "installing (Homebrew):$brew_missing"
      brew install $brew_missing
    else
      echo "relkit needs:$brew_missing; install Homebrew (https://brew.sh), then run: brew install$brew_missing" >&2
      exit 1
    fi
  fi
fi
missing=""
pkg-config --exists libgit2 2>/dev/null || missing="$missing libgit2-dev"
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v git >/dev/null 2>&1 || missing="$missing git"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v script >/dev/null 2>&1 || missing="$missing bsdutils"
command -v ssh-keygen >/dev/null 2>&1 || missing="$missing openssh-client"
command -v gpg >/dev/null 2>&1 || missing="$missing gnupg"
command -v man >/dev/null 2>&1 || missing="$missing man-db"
if [ "$(uname)" = Linux ] && ! ldconfig -p 2>/dev/null | grep -q -E 'libcurl(-gnutls)?\.so\.4 '; then
  missing="$missing libcurl4"
fi
if [ "$(uname)" = Darwin ]; then
  missing=""  # what Homebrew installs is above; the rest comes with macOS
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "relkit needs:$missing" >&2
    echo "run: sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi
if ! command -v swift >/dev/null 2>&1; then
  echo "relkit needs a Swift 6 toolchain (swift); see https://www.swift.org/install/" >&2
  exit 1
fi
# The tests validate every command's --json against docs/schemas with PyPI's jsonschema.
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
  echo "installing: jsonschema (PyPI)"
  python3 -m pip install --quiet jsonschema >/dev/null 2>&1 || python3 -m pip install --quiet --user jsonschema \
    || { echo "relkit's tests need jsonschema: run python3 -m pip install jsonschema" >&2; exit 1; }
fi
# The local GitHub stand-in (Tests/ForgeServer) validates and answers GraphQL queries against the part of
# GitHub's schema relkit uses, and counts their nodes, with PyPI's graphql-core.
if ! python3 -c 'import graphql' >/dev/null 2>&1; then
  echo "installing: graphql-core (PyPI)"
  python3 -m pip install --quiet 'graphql-core>=3.2,<3.3' >/dev/null 2>&1 || python3 -m pip install --quiet --user 'graphql-core>=3.2,<3.3' \
    || { echo "relkit's tests need graphql-core: run python3 -m pip install graphql-core" >&2; exit 1; }
fi
