#!/bin/sh
# doc/ stays true: every man page lints clean and names every option of its
# program's --help (check-man-options.sh), every shipped topology
# validates against the published XSD with an independent validator.
set -eu
cd "$(dirname "$0")/.."
mandoc -Tlint -Wwarning doc/man/* 
scripts/check-man-options.sh
xmllint --noout --schema doc/topology.xsd topologies/*.xml 2>&1 | grep -v ' validates$' || true
if xmllint --noout --schema doc/topology.xsd topologies/*.xml 2>/dev/null; then
  echo "check-docs: man pages and topologies are clean"
else
  echo "check-docs: a topology fails doc/topology.xsd" >&2
  exit 1
fi
