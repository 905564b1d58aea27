# SPDX-License-Identifier: GPL-2.0
#
# coco-tsm: configfs-tsm report core, Intel TDX guest provider and TDX
# platform emulator, built out of tree. The two commands that matter:
#
#   make demo    set up what is needed, boot a VM, show a quote via configfs
#   make check   set up what is needed and run every test (four kernel lanes)
#
# Other targets: all (modules for LANE + tools), modules, tools,
# checkpatch, sparse, deps, debug-kernel, fresh-check, install, uninstall,
# bench, fuzz, mutants, clean. Variables: LANE=stock|debug|k612|k7 (the
# kernel to build against: Debian's linux-headers-amd64, our debug kernel,
# Debian's 6.12 or 7.x from scripts/deps-kernels), or KVER=RELEASE (the
# headers in /usr/src/linux-headers-RELEASE, into build/RELEASE/mod, as
# DKMS would), W=1 (extra warnings), EMULATOR=1 (make install: the
# emulator too).

LANE ?= stock
BUILD := $(CURDIR)/build
TOOLS := $(BUILD)/tools
SCRIPTS := $(CURDIR)/scripts
SRCDIR = $(shell bash -c '. $(SCRIPTS)/lib.sh; source_dir')
KSFT_INC = $(SRCDIR)/tools/testing/selftests

# Userspace directories with a Makefile honouring OUT= (see HACKING.md).
TOOL_DIRS := $(patsubst %/Makefile,%,$(wildcard tools/*/Makefile \
	tools/testing/selftests/*/Makefile))

# Our kernel sources, for the static checkers: the modules, including the
# test modules that live beside their selftests.
KERNEL_SRCS := $(shell find drivers include tools/testing -name '*.[ch]' \
	-not -path '*/selftests/*' 2>/dev/null) \
	$(shell grep -l 'MODULE_LICENSE' tools/testing/selftests/*/*.c \
	2>/dev/null)

.PHONY: all modules tools deps debug-kernel checkpatch sparse check demo clean \
	install uninstall bench fuzz mutants fresh-check

all: modules tools

ifneq ($(KVER),)
modules:
	$(SCRIPTS)/build-modules kver:$(KVER) $(BUILD)/$(KVER) $(if $(W),W=$(W))
else
modules:
	$(SCRIPTS)/build-modules $(LANE) $(BUILD)/$(LANE) $(if $(W),W=$(W))
endif

tools:
	@set -e; for d in $(TOOL_DIRS); do \
		$(MAKE) -C $$d OUT=$(TOOLS) KSFT_INC=$(KSFT_INC); \
	done

deps:
	$(SCRIPTS)/deps

debug-kernel: deps
	$(SCRIPTS)/build-debug-kernel

checkpatch:
	$(SRCDIR)/scripts/checkpatch.pl --strict --no-tree --quiet \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $(KERNEL_SRCS)

# C=2 checks every file, not only those being recompiled; any sparse
# message fails.
sparse:
	@$(SCRIPTS)/build-modules $(LANE) $(BUILD)/sparse C=2 CHECK=sparse \
		2>&1 | tee $(BUILD)/sparse.log
	@! grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' $(BUILD)/sparse.log

check:
	$(SCRIPTS)/check

# The set-up and builds of check (no VMs) in a throwaway minimal Debian 12:
# fails when an install step is missing, whatever this machine has. Root;
# CHECK_LANES as for check. CI runs it after check.
fresh-check:
	$(SCRIPTS)/fresh-check

demo:
	$(SCRIPTS)/demo

# Install the modules (DKMS=1: through DKMS, rebuilt for every kernel),
# the udev rule, the tools and their man pages. DESTDIR and PREFIX work
# as usual; KVER picks the kernel (default: the running one).
PREFIX ?= /usr/local
install:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" $(SCRIPTS)/install \
		$(if $(filter 1,$(DKMS)),--dkms) $(if $(KVER),--kver $(KVER)) \
		$(if $(filter 1,$(EMULATOR)),--emulator)

uninstall:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" $(SCRIPTS)/uninstall

# The benchmark: prints figures, never asserts, not part of check. Boots a
# stock-kernel VM (about 17 minutes on TCG), then, if make check has set up
# the k612 lane, a 6.12 VM for the kernel's own report core (3 more), and
# writes bench/results/. BENCH_LANES= skips the second.
bench:
	$(CURDIR)/bench/run

# Mutation testing: each tools/testing/mutants/*.mutant planted in turn,
# the suites it names run in a stock-kernel VM; every mutant must be
# killed. Not part of check (one VM per mutant, under an hour in all);
# MUTANTS="NN ..." runs a subset. Writes tools/testing/mutants/RESULTS.md
# (a subset: build/mutants/RESULTS.md).
mutants:
	$(CURDIR)/tools/testing/mutants/run $(MUTANTS)

# libFuzzer over the driver's check of the host's GetQuote answer and over
# the quote parser, FUZZ_SECONDS per harness ('make check' runs each
# briefly).
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C tools/testing/fuzz fuzz OUT=$(BUILD)/fuzz \
		FUZZ_SECONDS=$(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)
	$(MAKE) -s -C tools/testing/fuzz clean OUT=$(BUILD)/fuzz
	@for d in $(TOOL_DIRS); do $(MAKE) -s -C $$d clean OUT=$(TOOLS); done
