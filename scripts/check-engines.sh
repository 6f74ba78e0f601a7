#!/bin/sh
# Pure engines, thin shells (house style): the protocol library, the
# engines, the link models, flow accounting, the topology model and the
# report touch no socket, event loop, clock or randomness. Only the shells
# (*_io.c, link_tap.c, link_pcap.c) and the programs' mains may.
set -eu
cd "$(dirname "$0")/.."
pure=$(ls nodes/pmip/*.c nodes/lma/*.c nodes/mag/*.c nodes/mn/*.c \
          links/link_*.c nodes/trafgen/tg_*.c emu/topo/*.c \
          emu/report/*.c 2>/dev/null \
       | grep -vE '_io\.c$|/(lmad|magd|mnd)\.c$|links/link_(tap|pcap)\.c$')
bad=$(grep -nE '\b(socket|bind|connect|sendto|recvfrom|sendmsg|recvmsg|ev_[a-z_]+|clock_gettime|gettimeofday|time|rand|random|srand|getrandom)[[:space:]]*\(' $pure \
       | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' || true)
if [ -n "$bad" ]; then
  echo "check-engines: I/O, clock or randomness in a pure module:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "check-engines: $(echo "$pure" | wc -l) pure modules are pure"
