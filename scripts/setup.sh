#!/usr/bin/env bash
# Installs the Debian packages the tests run for real: nginx (the fault lab), mtail (the benchmark peer),
# GNU time (peak memory), prometheus + prometheus-alertmanager (rules, scrapes, routing), netdata (the
# plugin), chromium (the page in a real browser). Skips what is installed.
set -euo pipefail
packages=(nginx mtail time prometheus prometheus-alertmanager netdata chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then exit 0; fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's nginx package may start a service where an init system runs; the tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
  "${sudo[@]}" systemctl stop nginx || true
fi
