# bgp-agent — build, test, install.
#
#   make                 build build/bgp-bridge and build/bgp-agent
#   make SANITIZE=1      the same with ASan + UBSan (into build-san/ unless BUILD is set)
#   make deps            install every Debian package needed to build, test and run
#   make test            unit + integration tests, then again under ASan/UBSan, then valgrind
#   make unit            cmocka unit tests only (no root needed)
#   make fuzz-smoke      every parser's fuzz harness over its corpus + mutations (gcc, no root)
#   make fuzz            the same harnesses under real libFuzzer (needs clang; FUZZ_SECONDS each)
#   make integration     integration tests in real network namespaces (root)
#   make bench           benchmarks (print figures; not tests)
#   make demo            the multi-node lab (see README)
#   make install         DESTDIR=… PREFIX=… (default PREFIX=/usr)
#   make deb             build/deb/bgp-agent_VERSION_ARCH.deb (debhelper), lintian-checked
#   make image           the container image with podman (docker/image.sh; private store)
#   make image-test      the containerlab lab and the DaemonSet's pod from that image (root)

CC      ?= cc
SANITIZE ?= 0
ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD   ?= build
SANFLAGS =
endif

PKGS     = libnl-3.0 libnl-route-3.0 libconfig jansson libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wno-format-nonliteral -Wpointer-arith -Wvla -Werror
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(SANFLAGS) -D_GNU_SOURCE \
             -DBGP_AGENT_VERSION='"$(VERSION)"' -Icommon $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

COMMON_SRC = $(wildcard common/*.c)
CNI_SRC    = $(filter-out cni/main.c,$(wildcard cni/*.c))
AGENT_SRC  = $(filter-out bgp-agent/main.c,$(wildcard bgp-agent/*.c))
UNIT_SRC   = $(wildcard tests/unit/test_*.c)
FUZZ_SRC   = $(filter-out tests/fuzz/fuzz_driver.c,$(wildcard tests/fuzz/fuzz_*.c))
TOOLS_SRC  = $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
COMMON_LIB = $(BUILD)/libcommon.a
CNI_LIB    = $(BUILD)/libcni.a
AGENT_LIB  = $(BUILD)/libagent.a
UNIT_BINS  = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_BINS  = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
TOOLS_BINS = $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOLS_SRC))

PREFIX  ?= /usr
DESTDIR ?=
CNI_BIN_DIR ?= /opt/cni/bin

.PHONY: all clean deps test unit integration valgrind bench demo demo-down install deb check-root \
	image image-test \
	fuzz fuzz-smoke fuzz-bins
all: $(BUILD)/bgp-bridge $(BUILD)/bgp-agent $(TOOLS_BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Icni -Ibgp-agent -MMD -MP -c $< -o $@

$(COMMON_LIB): $(call obj,$(COMMON_SRC))
$(CNI_LIB): $(call obj,$(CNI_SRC))
$(AGENT_LIB): $(call obj,$(AGENT_SRC))
$(COMMON_LIB) $(CNI_LIB) $(AGENT_LIB):
	@mkdir -p $(dir $@)
	@rm -f $@
	$(AR) rcs $@ $^

# The CNI plugin is exec'd for every pod: linked statically it skips the
# dynamic loader (~0.3 ms of a ~2 ms ADD, measured). libnl's NSS-using
# helpers (getaddrinfo) are never called, so their link warnings are muted. Sanitizer and valgrind
# builds link it dynamically (STATIC_CNI=0), which those tools need.
ifeq ($(SANITIZE),1)
STATIC_CNI ?= 0
else
STATIC_CNI ?= 1
endif
ifeq ($(STATIC_CNI),1)
CNI_LINK = -static -Wl,--no-warnings $(shell pkg-config --static --libs libnl-route-3.0 jansson 2>/dev/null)
else
CNI_LINK = $(PKG_LIBS)
endif

$(BUILD)/bgp-bridge: $(BUILD)/obj/cni/main.o $(CNI_LIB) $(COMMON_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CNI_LINK)

$(BUILD)/bgp-agent: $(BUILD)/obj/bgp-agent/main.o $(AGENT_LIB) $(COMMON_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Test tools (tests/tools/*.c): small programs the integration tests run.
$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(AGENT_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Every unit test links against all three libraries; the linker takes only what it uses.
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(AGENT_LIB) $(CNI_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka

# The documentation check (tests/docs/check_docs.py) runs with the unit tests:
# it compares the parser's key tables, printed by $(DOCS_KEYS), with the man
# pages, config/agent.conf and the README.
DOCS_KEYS = $(BUILD)/docs/config-keys
$(DOCS_KEYS): $(BUILD)/obj/tests/docs/config_keys.o $(AGENT_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

unit: $(UNIT_BINS) $(DOCS_KEYS)
	@CONFIG_KEYS=$(DOCS_KEYS) tests/run-unit.sh $(BUILD) $(UNIT_BINS) tests/docs/check_docs.py

# Fuzz harnesses (tests/fuzz/fuzz_*.c, one per parser). With gcc each is
# linked with tests/fuzz/fuzz_driver.c (corpus + deterministic mutations);
# with LIBFUZZER=1 (clang, set by `make fuzz`) with libFuzzer's own main.
FUZZ_ITER ?= 100000
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_SECONDS ?= 60
FUZZ_BUILD ?= build-libfuzzer
ifeq ($(LIBFUZZER),1)
SANFLAGS += -fsanitize=fuzzer-no-link
FUZZ_MAIN =
FUZZ_LINK = -fsanitize=fuzzer
else
FUZZ_MAIN = $(BUILD)/obj/tests/fuzz/fuzz_driver.o
FUZZ_LINK =
endif

$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(FUZZ_MAIN) $(AGENT_LIB) $(CNI_LIB) $(COMMON_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) $(FUZZ_LINK) -o $@ $^ $(PKG_LIBS)

fuzz-bins: $(FUZZ_BINS)

# Each harness is one test: FUZZ_ITER mutated inputs or FUZZ_SMOKE_SECONDS.
fuzz-smoke: $(FUZZ_BINS)
	@tests/fuzz/run.sh smoke $(FUZZ_ITER) $(FUZZ_SMOKE_SECONDS) $(FUZZ_BINS)

# Real coverage-guided fuzzing, FUZZ_SECONDS per harness; new inputs go to
# $(FUZZ_BUILD)/corpus/NAME, crashes to $(FUZZ_BUILD)/crash-*. Not part of `make test`.
fuzz:
	@command -v clang >/dev/null || { echo "make fuzz: needs clang and libclang-rt-dev" \
		"(make fuzz-smoke needs neither)" >&2; exit 1; }
	@$(MAKE) -s BUILD=$(FUZZ_BUILD) CC=clang SANITIZE=1 LIBFUZZER=1 fuzz-bins
	@tests/fuzz/run.sh libfuzzer $(FUZZ_SECONDS) 0 \
		$(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/fuzz/%,$(FUZZ_SRC))

check-root:
	@[ "$$(id -u)" = 0 ] || { echo "make: this target needs root (network namespaces, FRR)" >&2; exit 1; }

image:
	@docker/image.sh build

image-test: check-root
	@BUILD_DIR=$(abspath $(BUILD)) SUITE=image tests/run-integration.sh

integration: check-root all
	@BUILD_DIR=$(abspath $(BUILD)) tests/run-integration.sh $(T)

# valgrind needs dynamically linked binaries: its own build directory.
valgrind: check-root
	@$(MAKE) -s BUILD=$(BUILD)-valgrind STATIC_CNI=0 all
	@BUILD_DIR=$(abspath $(BUILD)-valgrind) SUITE=valgrind tests/run-integration.sh

# The whole suite: plain build, then ASan/UBSan build, then valgrind.
test: check-root
	@tests/run-all.sh

# The benchmark's own kernel observer (tests/bench/route_count.c): libc only.
$(BUILD)/bench/route_count: tests/bench/route_count.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

bench: check-root all $(BUILD)/bench/route_count
	@BUILD_DIR=$(abspath $(BUILD)) tests/bench/run.sh $(T)

# The build runs in a new make: this one read pkg-config's flags when it parsed
# the Makefile, before deps installed the -dev packages (a fresh machine).
demo: deps
	@$(MAKE) -s all
	@BUILD_DIR=$(abspath $(BUILD)) KEEP=$(KEEP) MODE=$(MODE) NODES=$(NODES) tests/lab/demo.sh

demo-down:
	@tests/lab/lab.sh down

deps:
	@.ci/deps.sh

install: all
	install -D -m 0755 $(BUILD)/bgp-bridge $(DESTDIR)$(CNI_BIN_DIR)/bgp-bridge
	install -D -m 0755 $(BUILD)/bgp-agent $(DESTDIR)$(PREFIX)/sbin/bgp-agent
	install -d $(DESTDIR)$(PREFIX)/share/bgp-agent/frr-templates
	install -m 0644 frr-templates/* $(DESTDIR)$(PREFIX)/share/bgp-agent/frr-templates/
	install -D -m 0644 config/agent.conf $(DESTDIR)$(PREFIX)/share/doc/bgp-agent/examples/agent.conf
	install -D -m 0644 config/agent.conf $(DESTDIR)/etc/bgp-agent/agent.conf.example
	install -D -m 0644 config/10-bgp-bridge.conflist \
		$(DESTDIR)$(PREFIX)/share/doc/bgp-agent/examples/10-bgp-bridge.conflist
	for page in man/*.[1-8]; do \
		install -D -m 0644 $$page $(DESTDIR)$(PREFIX)/share/man/man$${page##*.}/$${page##*/}; \
	done
	install -d $(DESTDIR)$(PREFIX)/lib/systemd/system
	sed 's|/usr/sbin/|$(PREFIX)/sbin/|g' config/bgp-agent.service \
		> $(DESTDIR)$(PREFIX)/lib/systemd/system/bgp-agent.service

# Built from a copy of the source (build/deb/src) so the tree stays clean;
# dpkg-buildpackage leaves the .deb one level up, in build/deb/.
DEB_DIR = $(BUILD)/deb
deb:
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/src
	@tar -c --exclude='./build*' --exclude=./.git . | tar -x -C $(DEB_DIR)/src
	@cd $(DEB_DIR)/src && dpkg-buildpackage -b -us -uc --no-sign >../build.log 2>&1 || \
		{ tail -n 30 ../build.log; exit 1; }
	@lintian --fail-on error $(DEB_DIR)/*.deb
	@ls $(DEB_DIR)/*.deb

clean:
	rm -rf build build-san build-valgrind build-san-valgrind $(FUZZ_BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
