#!/bin/sh
# Pure engines, thin shells: the protocol library and the engines must not
# touch sockets, event loops, clocks or randomness (house style). Only files
# named *_io.c, and the programs' main files, may.
set -eu
cd "$(dirname "$0")/.."
bad=$(grep -nE '\b(socket|bind|sendto|recvfrom|sendmsg|recvmsg|ev_[a-z_]+|clock_gettime|gettimeofday|time|rand|random|srand)[[:space:]]*\(' \
  nodes/pmip/*.c nodes/*/*_engine.c links/link_*.c nodes/trafgen/tg_stats.c 2>/dev/null \
  | grep -v '_io\.c:' | grep -v 'links/link_io' | grep -v 'links/link_pcap' | grep -v 'links/link_tap' || true)
if [ -n "$bad" ]; then
  echo "check-engines: I/O, clock or randomness in a pure module:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "check-engines: pure modules are pure"
