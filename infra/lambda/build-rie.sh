#!/bin/sh
# Builds AWS's Runtime Interface Emulator (the aws-lambda-rie command of
# github.com/aws/aws-lambda-runtime-interface-emulator) at a pinned version with `go install`, into
# cli/target/lambda-rie/<version>/, once: later runs find it there. Prints the binary's path.
#
# The version is a Go pseudo-version (the module publishes no semver tags the Go proxy serves): the commit
# bef5c4ba774d of 2026-10-30. Needs Go 1.25 or newer on PATH; nothing is fetched but the module and its
# dependencies, through the Go module proxy (GOPROXY), checked against the Go checksum database.
set -eu
VERSION=v0.0.0-20261030222936-bef5c4ba774d
PACKAGE=github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/cli/target/lambda-rie/$VERSION"
if [ ! -x "$bin/aws-lambda-rie" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "build-rie: needs Go 1.25 or newer on PATH (https://go.dev/dl/) to build the Runtime Interface Emulator" >&2
    exit 1
  fi
  mkdir -p "$bin"
  echo "build-rie: go install $PACKAGE@$VERSION (once)" >&2
  # A temporary GOBIN, then a rename: a build that stops half-way leaves no binary behind.
  tmp="$(mktemp -d "$bin/.build.XXXXXX")"
  GOBIN="$tmp" GOFLAGS=-buildvcs=false GO111MODULE=on CGO_ENABLED=0 go install "$PACKAGE@$VERSION" >&2
  mv "$tmp/aws-lambda-rie" "$bin/aws-lambda-rie"
  rmdir "$tmp"
fi
echo "$bin/aws-lambda-rie"
