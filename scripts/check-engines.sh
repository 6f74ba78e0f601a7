#!/bin/sh
# Pure engines, thin shells (house style): the protocol library, the
# engines, the link models, flow accounting, the topology model and the
# report touch no socket, event loop, clock or randomness. Only the shells
# (*_io.c, link_tap.c, link_pcap.c), the run, the node I/O library and the
# programs' mains may.
set -eu
cd "$(dirname "$0")/.."
# The list is the Makefile's PURE_SRC (make lint-engines passes it).
pure=${PURE:-$(make -s --no-print-directory print-pure)}
bad=$(grep -nE '\b(socket|bind|connect|sendto|recvfrom|sendmsg|recvmsg|ev_[a-z_]+|clock_gettime|gettimeofday|time|rand|random|srand|getrandom)[[:space:]]*\(' $pure \
       | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(\*|/\*|//)' || true)
if [ -n "$bad" ]; then
  echo "check-engines: I/O, clock or randomness in a pure module:" >&2
  echo "$bad" >&2
  exit 1
fi
echo "check-engines: $(echo $pure | wc -w) pure modules are pure"
