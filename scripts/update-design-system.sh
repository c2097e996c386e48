#!/usr/bin/env bash
# Vendor the built CSS of Försäkringskassan's design system FKUI (@fkui/design and
# its default theme @fkui/theme-default) under beh_core/static/vendor/fkui/.
#
#   scripts/update-design-system.sh 6.44.0
#
# Fetches the given version of both packages from the npm registry (npm pack: no
# node_modules, no build), copies the built, minified CSS and the licence, and
# records the version and the files' SHA-256 in VERSION. Commit the result; the
# portal serves these files itself, so a running portal never fetches anything.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: scripts/update-design-system.sh VERSION (e.g. 6.44.0)}"
command -v npm >/dev/null || { echo "npm is needed (apt-get install npm)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for package in "@fkui/design@$version" "@fkui/theme-default@$version"; do
    (cd "$work" && npm pack --silent "$package" >/dev/null)
done
mkdir -p "$work/design" "$work/theme"
tar -xzf "$work"/fkui-design-"$version".tgz -C "$work/design"
tar -xzf "$work"/fkui-theme-default-"$version".tgz -C "$work/theme"

target=beh_core/static/vendor/fkui
rm -rf "$target"
mkdir -p "$target"
cp "$work/design/package/lib/fkui.min.css" "$target/fkui.min.css"
cp "$work/theme/package/dist/theme-light.css" "$target/theme-light.css"
cp "$work/design/package/LICENSE.md" "$target/LICENSE.md"
{
    echo "@fkui/design $version"
    echo "@fkui/theme-default $version"
    echo "fetched with scripts/update-design-system.sh $version"
    (cd "$target" && sha256sum fkui.min.css theme-light.css)
} > "$target/VERSION"
echo "== FKUI $version vendored in $target:"
cat "$target/VERSION"
