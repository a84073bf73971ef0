#!/usr/bin/env bash
# Assembles the static site that GitHub Pages serves from the built pkg/ and from www/.
#   bash scripts/build-site.sh [DIR]     (default _site)
# Build pkg/ first with `wasm-pack build --target web --release`.
#
# The site keeps the repository's layout: DIR/www/ is the page and DIR/pkg/ the WebAssembly
# module, because the worker imports ../pkg/lazynet.js and fetches data/ relative to itself.
# DIR/index.html sends visitors on to www/. Every link is relative, so the site works at a
# domain's root and under a sub-path such as /lazynet/.
set -euo pipefail
cd "$(dirname "$0")/.."

site="${1:-_site}"

fail() {
  printf 'build-site: %s\n' "$*" >&2
  exit 1
}

for file in pkg/lazynet.js pkg/lazynet_bg.wasm www/index.html www/data/train-images.idx3-ubyte.gz; do
  [ -f "$file" ] || fail "$file is missing; build pkg/ with wasm-pack build --target web --release first"
done

# Only an empty directory or an earlier output of this script is overwritten, so a mistyped
# DIR cannot lose files.
if [ -d "$site" ] && [ -n "$(ls -A "$site")" ] && [ ! -f "$site/pkg/lazynet_bg.wasm" ]; then
  fail "$site is not empty and is not a site this script built; pass a new or empty directory"
fi
if [ -e "$site" ] && [ ! -d "$site" ]; then
  fail "$site exists and is not a directory; pass a new or empty directory"
fi

rm -rf "$site/www" "$site/pkg" "$site/index.html"
mkdir -p "$site/pkg"
cp -R www "$site/www"
cp pkg/lazynet.js pkg/lazynet_bg.wasm "$site/pkg/"

# A meta refresh rather than a script, so this page's content security policy can forbid
# every script.
cat > "$site/index.html" <<'HTML'
<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'">
  <meta http-equiv="refresh" content="0; url=www/">
  <title>lazynet</title>
</head>
<body>
  <p>The lazynet page is at <a href="www/">www/</a>.</p>
</body>
</html>
HTML

printf 'build-site: assembled %s (%s files)\n' "$site" "$(find "$site" -type f | wc -l)"
