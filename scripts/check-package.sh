#!/usr/bin/env bash
# The package as npm would publish it, checked the way its users will meet it: `npm pack`
# (its prepack builds dist/) into a temp dir, then publint --strict and Are the Types Wrong
# (ESM-only: the package ships no CommonJS) on that tarball, every subpath export included.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
npm pack --silent --pack-destination "$dir" >/dev/null
tarball="$(echo "$dir"/*.tgz)"
npx publint run --strict "$tarball"
npx attw --profile esm-only "$tarball"

# The reference server's package (npx tokenward-reference-server): its bin and files as published.
mkdir "$dir/server"
(cd packages/reference-server && npm pack --silent --pack-destination "$dir/server" >/dev/null)
npx publint run --strict "$(echo "$dir"/server/*.tgz)"
