# pmipemu top-level Makefile.
#
#   make            build programs into build/bin/
#   make deps       install the Debian packages we need (root)
#   make run        deps + build + run the default topology, print a summary
#   make test       (root) deps + build + every test (checks, unit, ASan/UBSan unit,
#                   scenario)
#   make unit       unit tests only (no root needed)
#   make bench      performance tables, with a baseline measured in the run
#   make fuzz       libFuzzer harnesses (clang), a bounded run each
#   make install    programs, man pages, XSD, Wireshark dissector, example
#                   topologies under $(DESTDIR)$(PREFIX) (default /usr/local)
#
# One folder one library: each library below names its folder; every .c
# in it is part of the library but the file named as a program's main.
# Which folder may include which: doc/design.md, scripts/check-deps.sh.

B       ?= build
CC      ?= gcc
SAN     ?=
OPT     ?= -O2
PKGS    := libxml-2.0 libpcap libnetfilter_queue json-c libmnl nettle

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lev -lm
CRIT_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null)

# Includes name their folder, from the top, emu/ or nodes/ ("links/link.h",
# "topo/topo.h", "io/nio.h"); a file's own folder needs no name.
INCDIRS := . emu nodes

# CFLAGS is the user's (make CFLAGS='-O0 -g' replaces it); what the tree
# needs to build and the warnings every file is clean of are added apart.
# WARN holds for gcc and clang alike (make clang).
CFLAGS  ?= $(OPT) -g
WARN    ?= -Wall -Wextra -Wshadow -Wmissing-prototypes -Wformat=2 -Werror
BUILD_CFLAGS := -std=c11 -D_GNU_SOURCE -MMD -MP $(addprefix -I,$(INCDIRS)) $(PKG_CFLAGS)
ifneq ($(SAN),)
SAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_LDFLAGS := -fsanitize=address,undefined
endif
ALL_CFLAGS = $(BUILD_CFLAGS) $(WARN) $(SAN_CFLAGS) $(DEFS) $(CFLAGS)

# --- libraries ---------------------------------------------------------------
src = $(wildcard $(1)/*.c)

# topo: the topology model (XML -> structs), shared by pmipemu and the daemons;
# it takes the impairment model from links (link_params.o only).
TOPO_SRC   := $(call src,emu/topo)
RUN_SRC    := $(call src,emu/run)
REPORT_SRC := $(call src,emu/report)
# The CLI: pmipemu's main and its subcommands outside a run.
EMU_MAIN   := emu/pmipemu.c
CLI_SRC    := $(filter-out $(EMU_MAIN),$(call src,emu))
LINK_SRC   := $(call src,links)
PMIP_SRC   := $(call src,nodes/pmip)
LMA_SRC    := $(filter-out nodes/lma/lmad.c,$(call src,nodes/lma))
MAG_SRC    := $(filter-out nodes/mag/magd.c,$(call src,nodes/mag))
MN_SRC     := $(filter-out nodes/mn/mnd.c,$(call src,nodes/mn))
NIO_SRC    := $(call src,nodes/io)
TG_SRC     := $(filter-out nodes/trafgen/trafgen.c,$(call src,nodes/trafgen))

# Pure modules (house style: they take now and an RNG, return actions; no
# socket, event loop, clock or randomness): every library file but the
# shells and the mains. The one list: scripts/check-engines.sh checks it
# (make lint-engines), the fuzzers link from it, doc/design.md points here;
# make print-pure prints it.
SHELL_SRC := %_io.c links/link_tap.c links/link_pcap.c
PURE_SRC  := $(filter-out $(SHELL_SRC),$(PMIP_SRC) $(LMA_SRC) $(MAG_SRC) $(MN_SRC) \
             $(LINK_SRC) $(TG_SRC) $(TOPO_SRC) $(REPORT_SRC) emu/run/run_congest.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

LIBTOPO  := $(B)/lib/libtopo.a
LIBRUN   := $(B)/lib/librun.a
LIBREPORT := $(B)/lib/libreport.a
LIBCLI   := $(B)/lib/libcli.a
LIBLINK  := $(B)/lib/liblink.a
LIBPMIP  := $(B)/lib/libpmip.a
LIBLMA   := $(B)/lib/liblma.a
LIBMAG   := $(B)/lib/libmag.a
LIBMN    := $(B)/lib/libmn.a
LIBTG    := $(B)/lib/libtrafgen.a
LIBNIO   := $(B)/lib/libnio.a

$(LIBTOPO): $(call obj,$(TOPO_SRC))
$(LIBRUN):  $(call obj,$(RUN_SRC))
$(LIBREPORT): $(call obj,$(REPORT_SRC))
$(LIBCLI):  $(call obj,$(CLI_SRC))
$(LIBLINK): $(call obj,$(LINK_SRC))
$(LIBPMIP): $(call obj,$(PMIP_SRC))
$(LIBLMA):  $(call obj,$(LMA_SRC))
$(LIBMAG):  $(call obj,$(MAG_SRC))
$(LIBMN):   $(call obj,$(MN_SRC))
$(LIBTG):   $(call obj,$(TG_SRC))
$(LIBNIO):  $(call obj,$(NIO_SRC))

$(B)/lib/%.a:
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# --- programs ----------------------------------------------------------------
PROGS := $(B)/bin/pmipemu $(B)/bin/lmad $(B)/bin/magd $(B)/bin/mnd $(B)/bin/trafgen \
         $(B)/bin/radd

all: $(PROGS)

# `pmipemu --version`: the git description of the tree it was built from.
PMIPEMU_VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
$(call obj,$(EMU_MAIN) nodes/io/nio_prog.c nodes/trafgen/trafgen.c): DEFS += -DPMIPEMU_VERSION='"$(PMIPEMU_VERSION)"'
EMU_LIBS := $(LIBCLI) $(LIBRUN) $(LIBREPORT) $(LIBTOPO) $(LIBLINK) $(LIBTG) $(LIBNIO) $(LIBPMIP)
$(B)/bin/pmipemu: $(call obj,$(EMU_MAIN)) $(EMU_LIBS)
$(B)/bin/lmad:    $(call obj,nodes/lma/lmad.c) $(LIBLMA) $(LIBNIO) $(LIBTOPO) $(LIBLINK) $(LIBPMIP)
$(B)/bin/magd:    $(call obj,nodes/mag/magd.c) $(LIBMAG) $(LIBNIO) $(LIBTOPO) $(LIBLINK) $(LIBPMIP)
$(B)/bin/mnd:     $(call obj,nodes/mn/mnd.c) $(LIBMN) $(LIBNIO) $(LIBTOPO) $(LIBLINK) $(LIBPMIP)
$(B)/bin/trafgen: $(call obj,nodes/trafgen/trafgen.c) $(LIBTG)
$(B)/bin/radd:    $(call obj,nodes/rad/radd.c) $(LIBNIO) $(LIBPMIP)

$(B)/bin/%:
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# --- unit tests --------------------------------------------------------------
# tests/unit/<area>/test_*.c link the libraries of their area only, so that a
# module being written in one area never breaks the tests of another.
UNIT_LIBS_emu     := $(EMU_LIBS)
UNIT_LIBS_links   := $(LIBLINK)
UNIT_LIBS_pmip    := $(LIBPMIP)
UNIT_LIBS_lma     := $(LIBLMA) $(LIBTOPO) $(LIBLINK) $(LIBPMIP)
UNIT_LIBS_mag     := $(LIBMAG) $(LIBTOPO) $(LIBLINK) $(LIBPMIP)
UNIT_LIBS_mn      := $(LIBMN) $(LIBTOPO) $(LIBLINK) $(LIBPMIP)
UNIT_LIBS_trafgen := $(LIBTG)
UNIT_LIBS_nio     := $(LIBNIO)

UNIT_SRC  := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRC))
area = $(word 1,$(subst /, ,$(patsubst $(B)/tests/%,%,$(1))))

.SECONDEXPANSION:
$(UNIT_BINS): $(B)/tests/%: $(B)/obj/tests/unit/%.o $$(UNIT_LIBS_$$(call area,$$@))
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CRIT_LIBS)

$(B)/obj/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -c $< -o $@

unit-build: $(UNIT_BINS)

# Each binary runs from the top of the tree (tests read tests/data/...).
unit: unit-build
	@fail=0; for t in $(UNIT_BINS); do \
	  echo "== $$t"; $$t --jobs 2 || fail=1; done; \
	test $$fail = 0

# Sanitizer reports inside Criterion's workers do not always fail the test
# (a leak is found at the worker's exit): the log is checked as well.
asan-unit:
	@mkdir -p build-asan
	@$(MAKE) --no-print-directory B=build-asan SAN=1 OPT=-O1 CC=clang unit > build-asan/unit.log 2>&1; \
	  rc=$$?; cat build-asan/unit.log; \
	  if grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" build-asan/unit.log; then \
	    echo "asan-unit: sanitizer reports above"; exit 1; fi; exit $$rc

# --- test tools (small programs the scenario tests run) ----------------------
TOOLS := $(patsubst tests/tools/%.c,$(B)/tools/%,$(wildcard tests/tools/*.c))

$(B)/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(SAN_LDFLAGS) -o $@ $<

tools: $(TOOLS)

# --- whole-system targets ----------------------------------------------------
deps:
	@scripts/deps.sh

lint-engines:
	@PURE="$(PURE_SRC)" scripts/check-engines.sh

print-pure:
	@echo $(PURE_SRC)

# Which folder may include which: the table of doc/design.md.
check-deps:
	@INCDIRS="$(INCDIRS)" scripts/check-deps.sh

print-incdirs:
	@echo $(INCDIRS)

check-docs: all
	@scripts/check-docs.sh

# Every unit test asserts something (a test that cannot fail is a defect).
check-tests:
	@scripts/check-test-asserts.py

scenario: all tools
	@tests/scenario/run-all.sh

test: deps
	@[ "$$(id -u)" = 0 ] || { echo "make test: needs root (the scenario tests make namespaces and TAP devices): FAILED, nothing was tested; 'make unit' runs the unit tests alone" >&2; exit 1; }
	@command -v tshark > /dev/null || { echo "make test: tshark is missing (it judges every capture): FAILED, nothing was tested; 'make deps' installs it" >&2; exit 1; }
	$(MAKE) all
	$(MAKE) lint-engines
	$(MAKE) check-deps
	$(MAKE) check-docs
	$(MAKE) check-tests
	$(MAKE) unit
	$(MAKE) asan-unit
	$(MAKE) scenario

# The default topology: a PMIPv6 domain with a handoff between two MAGs.
DEFAULT_TOPOLOGY ?= topologies/pmip-handoff.xml

run: deps
	$(MAKE) all
	$(B)/bin/pmipemu run $(DEFAULT_TOPOLOGY) --out captures/default

# tests/bench/bench_*.c: one program each (the PMIPv6 tables of make bench);
# the other tests/bench/*.c are their shared helpers. Built only for bench.
BENCH_MAINS := $(wildcard tests/bench/bench_*.c)
BENCH_HELP  := $(filter-out $(BENCH_MAINS),$(wildcard tests/bench/*.c))
BENCH_PROGS := $(patsubst tests/bench/%.c,$(B)/bench/%,$(BENCH_MAINS))

$(BENCH_PROGS): $(B)/bench/%: $(B)/obj/tests/bench/%.o $(call obj,$(BENCH_HELP)) \
                $(LIBLMA) $(LIBNIO) $(LIBTOPO) $(LIBLINK) $(LIBPMIP)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(SAN_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/obj/tests/bench/%.o: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/bench -c $< -o $@

bench-build: $(BENCH_PROGS)

bench: deps
	$(MAKE) all bench-build
	@scripts/bench.sh

# --- fuzzers: libFuzzer harnesses of tests/fuzz/, built with clang ---------
# make fuzz builds them all and runs each for FUZZ_SECONDS (scripts/fuzz.sh);
# make fuzz-build FUZZ_ONLY="topo ctl" builds those only.
FUZZ_B      ?= build-fuzz
FUZZ_CC     ?= clang
FUZZ_ONLY   ?= mh mip6 nd auth utf8 topo ctl flow
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 $(WARN) $(addprefix -I,$(INCDIRS)) $(PKG_CFLAGS) \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
# What each harness links, from the pure list: the protocol library (codec,
# flow grammar, authentication), the topology model, the engines' control
# commands; the UTF-8 check of the control sockets.
FUZZ_TOPO     := $(TOPO_SRC) links/link_params.c $(PMIP_SRC)
FUZZ_SRC_mh   := $(PMIP_SRC)
FUZZ_SRC_mip6 := $(PMIP_SRC)
FUZZ_SRC_nd   := $(PMIP_SRC)
FUZZ_SRC_auth := $(PMIP_SRC)
FUZZ_SRC_flow := $(PMIP_SRC)
FUZZ_SRC_utf8 := nodes/io/nio_utf8.c
FUZZ_SRC_topo := $(FUZZ_TOPO)
FUZZ_SRC_ctl  := $(filter nodes/lma/% nodes/mag/%,$(PURE_SRC)) $(FUZZ_TOPO)

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRC_$$*)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRC_$*) $(PKG_LIBS)

fuzz-build: $(patsubst %,$(FUZZ_B)/fuzz_%,$(FUZZ_ONLY))

fuzz: fuzz-build
	@FUZZ_ONLY="$(FUZZ_ONLY)" OUT="$(FUZZ_B)" scripts/fuzz.sh

clang:
	$(MAKE) B=build-clang CC=clang all unit-build

# An installed pmipemu finds its XSD at <bindir>/../share/pmipemu/ (topo.c).
PREFIX ?= /usr/local
SHARE   = $(DESTDIR)$(PREFIX)/share/pmipemu
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/man/man8 $(SHARE)/wireshark $(SHARE)/topologies
	install -m 0755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 doc/man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 doc/man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 0644 doc/topology.xsd $(SHARE)/
	install -m 0644 doc/wireshark/pmipemu.lua $(SHARE)/wireshark/
	install -m 0644 topologies/*.xml $(SHARE)/topologies/

clean:
	rm -rf build build-asan build-clang build-fuzz

.PHONY: tools check-docs check-tests all deps run test unit unit-build asan-unit scenario bench fuzz fuzz-build print-pure clean clang lint-engines check-deps print-incdirs install

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
