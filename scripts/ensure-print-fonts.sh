#!/usr/bin/env bash
# The 仿宋 body face of the printed documents (GB/T 9704): FandolFang, taken out of Debian's
# texlive-lang-chinese without installing that 50 MB package. The .deb is downloaded (no root
# needed), only the font file is copied into the print static files, where the stylesheet's
# @font-face finds it through the renderer's fetcher. Quick and silent when the font is there;
# without it the documents print in the kai fallback face, so a failure here only warns.
set -euo pipefail
dest="${1:-printing/static/print/fonts}"
fonts=(FandolFang-Regular.otf)
missing=()
for font in "${fonts[@]}"; do [ -s "$dest/$font" ] || missing+=("$font"); done
[ ${#missing[@]} -eq 0 ] && exit 0
# A copy kept per machine spares every fresh clone (CI) the 50 MB download.
cache="${XDG_CACHE_HOME:-$HOME/.cache}/liaison-fonts"
mkdir -p "$dest"
still=()
for font in "${missing[@]}"; do
  if [ -s "$cache/$font" ]; then install -m 0644 "$cache/$font" "$dest/$font"; else still+=("$font"); fi
done
missing=("${still[@]+"${still[@]}"}")
[ ${#missing[@]} -eq 0 ] && exit 0
warn() { echo "print fonts: $* - documents print in the kai fallback face" >&2; exit 0; }
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || warn "not a Debian system"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "Fetching ${missing[*]} from Debian's texlive-lang-chinese"
if ! (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1); then
  # a fresh image may have no package lists yet
  sudo=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo"
  $sudo apt-get update -qq >/dev/null 2>&1 || true
  (cd "$tmp" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1) || warn "download failed"
fi
dpkg-deb -x "$tmp"/texlive-lang-chinese_*.deb "$tmp/root"
mkdir -p "$dest"
for font in "${missing[@]}"; do
  found="$(find "$tmp/root" -name "$font" -print -quit)"
  [ -n "$found" ] || warn "$font not in the package"
  install -m 0644 "$found" "$dest/$font"
  mkdir -p "$cache" && install -m 0644 "$found" "$cache/$font" || true
done
