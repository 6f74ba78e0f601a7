#!/bin/sh
# Install the Debian packages pmipemu needs, only those missing.
# Runs as root on a fresh Debian 12; prints nothing when all is there.
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev libpcap-dev
libnetfilter-queue-dev libev-dev libxml2-dev libxml2-utils libcriterion-dev
libjson-c-dev libmnl-dev nettle-dev iproute2 iptables iputils-ping tshark ethtool
librsvg2-bin mandoc procps python3 util-linux jq graphviz"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "deps: missing packages:$missing (run 'make deps' as root)" >&2
  exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# tshark asks whether non-root users may capture; the answer does not matter here.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -q --no-install-recommends $missing >/dev/null
