# vbench - what virtualization costs.  Plain GNU make; `make V=1` shows commands.
#
#   make            build bench/vbench and workloads/vbench-agent
#   make run        install missing packages, build, run `vbench run --all --profile quick`
#   make test       build and run the Check unit and integration tests
#   make install    PREFIX=/usr/local DESTDIR=
#   make lint       clang-tidy and cppcheck over the tree

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc

# Baseline x86-64 ISA: the same agent binary must run in a TCG guest whose
# default CPU model lacks AVX (machine-facts.md).  Recorded in run.json.
ISA_FLAGS := -march=x86-64 -mtune=generic
CPPFLAGS += -D_GNU_SOURCE -DVB_VERSION=\"$(VERSION)\" -DVB_ISA=\"x86-64\" -I/usr/include/libcpuid
CFLAGS ?= -O2 -g
CFLAGS += $(ISA_FLAGS) -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -MMD -MP -fno-strict-aliasing
LDLIBS_AGENT := -lpapi -lcpuid -ljansson -lm
# liblzma and libarchive build the guest image (vbench only, never the agent);
# libinih reads capacity plan files.  LDLIBS_TEST includes them through LDLIBS_VBENCH.
LDLIBS_VBENCH := $(LDLIBS_AGENT) -llzma -larchive -linih
LDLIBS_TEST := $(LDLIBS_VBENCH) $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lpthread)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- sources: one line each ----
LIB_SRCS += harness/error.c
LIB_SRCS += harness/util.c
LIB_SRCS += harness/counters.c
LIB_SRCS += harness/counters_papi.c
LIB_SRCS += harness/hostinfo.c
LIB_SRCS += harness/registry.c
LIB_SRCS += harness/cgroup.c
LIB_SRCS += harness/agentio.c
LIB_SRCS += harness/env.c
LIB_SRCS += harness/env_bare.c
LIB_SRCS += harness/kvmprobe.c
LIB_SRCS += harness/kvmguest.c
LIB_SRCS += harness/qemu.c
LIB_SRCS += harness/rootfs.c
LIB_SRCS += harness/cachefile.c
LIB_SRCS += harness/kernel.c
LIB_SRCS += harness/vmlinux.c
LIB_SRCS += harness/kmodinfo.c
LIB_SRCS += harness/kmod.c
LIB_SRCS += harness/initramfs.c
LIB_SRCS += harness/guestimage.c
LIB_SRCS += harness/env_container.c
LIB_SRCS += harness/ctcommon.c
LIB_SRCS += harness/runproc.c
LIB_SRCS += harness/ocispec.c
LIB_SRCS += harness/env_oci.c
LIB_SRCS += harness/env_engine.c
LIB_SRCS += harness/vmsupport.c
LIB_SRCS += harness/env_vm.c
LIB_SRCS += harness/sizing.c
LIB_SRCS += harness/schedule.c
LIB_SRCS += harness/runfile.c
LIB_SRCS += harness/prepare.c
LIB_SRCS += harness/runner.c
LIB_SRCS += harness/options.c
LIB_SRCS += harness/stats.c
LIB_SRCS += harness/summary_input.c
LIB_SRCS += harness/summary.c
LIB_SRCS += harness/report.c
LIB_SRCS += harness/report_csv.c
LIB_SRCS += harness/report_md.c
LIB_SRCS += harness/report_html.c
LIB_SRCS += harness/report_html_facts.c
LIB_SRCS += harness/charts.c
LIB_SRCS += harness/charts_plot.c
LIB_SRCS += harness/reportgen.c
LIB_SRCS += harness/compare.c
LIB_SRCS += harness/report_compare.c
LIB_SRCS += harness/plan_ini.c
LIB_SRCS += harness/plan.c
LIB_SRCS += harness/plan_env.c
LIB_SRCS += harness/plan_print.c
LIB_SRCS += harness/explain.c
LIB_SRCS += harness/explain_md.c
LIB_SRCS += workloads/workload.c
LIB_SRCS += workloads/agent.c
LIB_SRCS += workloads/cpu_int.c
LIB_SRCS += workloads/cpu_fp.c
LIB_SRCS += workloads/cpu_syscall.c
LIB_SRCS += workloads/cpu_ctxswitch.c
LIB_SRCS += workloads/cpu_fork.c
LIB_SRCS += workloads/mem_stream.c
LIB_SRCS += workloads/mem_latency.c
LIB_SRCS += workloads/mem_random.c
LIB_SRCS += workloads/mem_pagefault.c
LIB_SRCS += workloads/io_common.c
LIB_SRCS += workloads/io_seqwrite.c
LIB_SRCS += workloads/io_seqread.c
LIB_SRCS += workloads/io_randread.c
LIB_SRCS += workloads/io_randwrite.c
LIB_SRCS += workloads/io_fsync.c

AGENT_SRCS += workloads/agent_main.c

VBENCH_SRCS += bench/main.c
VBENCH_SRCS += bench/cmd_run.c
VBENCH_SRCS += bench/cmd_list.c
VBENCH_SRCS += bench/cmd_doctor.c
VBENCH_SRCS += bench/cmd_report.c
VBENCH_SRCS += bench/cmd_plan.c
VBENCH_SRCS += bench/cmd_explain.c
VBENCH_SRCS += bench/cmd_compare.c

TEST_SRCS += tests/check_main.c
TEST_SRCS += tests/check_util.c
TEST_SRCS += tests/check_registry.c
TEST_SRCS += tests/check_cpu.c
TEST_SRCS += tests/check_mem.c
TEST_SRCS += tests/check_io.c
TEST_SRCS += tests/check_counters.c
TEST_SRCS += tests/check_hostinfo.c
TEST_SRCS += tests/check_options.c
TEST_SRCS += tests/check_schedule.c
TEST_SRCS += tests/check_sizing.c
TEST_SRCS += tests/check_runfile.c
TEST_SRCS += tests/check_agent.c
TEST_SRCS += tests/check_cgroup.c
TEST_SRCS += tests/check_stats.c
TEST_SRCS += tests/check_container.c
TEST_SRCS += tests/check_oci.c
TEST_SRCS += tests/check_engine.c
TEST_SRCS += tests/check_kvm.c
TEST_SRCS += tests/check_kmod.c
TEST_SRCS += tests/check_guestimage.c
TEST_SRCS += tests/check_vm.c
TEST_SRCS += tests/check_report.c
TEST_SRCS += tests/check_charts.c
TEST_SRCS += tests/check_compare.c
TEST_SRCS += tests/check_plan.c
TEST_SRCS += tests/check_explain.c
TEST_SRCS += tests/check_integration.c

BUILD := build
LIB := $(BUILD)/libvbench.a
AGENT := workloads/vbench-agent
VBENCH := bench/vbench
TESTS := $(BUILD)/check_vbench

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
AGENT_OBJS := $(AGENT_SRCS:%.c=$(BUILD)/%.o)
VBENCH_OBJS := $(VBENCH_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)
ALL_OBJS := $(LIB_OBJS) $(AGENT_OBJS) $(VBENCH_OBJS) $(TEST_OBJS)

.PHONY: all run test install uninstall clean lint deps check-deps
all: $(VBENCH) $(AGENT)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(AGENT): $(AGENT_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_AGENT)

$(VBENCH): $(VBENCH_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_VBENCH)

$(TESTS): $(TEST_OBJS) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_TEST)

# Refresh the golden report files from the committed fixture, deliberately
# (review the diff): tests/check_report.c and tests/check_explain.c compare
# against them byte for byte.
.PHONY: golden
golden: $(VBENCH)
	$(Q)d=$$(mktemp -d) && cp tests/fixtures/run-bare-container.json $$d/run.json && \
	  ./$(VBENCH) report --quiet $$d && cp $$d/summary.csv $$d/report.md tests/fixtures/golden/ && \
	  rm -rf $$d && echo "  GOLDEN  tests/fixtures/golden/summary.csv tests/fixtures/golden/report.md"
	$(Q)d=$$(mktemp -d) && mkdir $$d/run-bare-container && \
	  cp tests/fixtures/run-bare-container.json $$d/run-bare-container/run.json && \
	  (cd $$d && $(CURDIR)/$(VBENCH) explain --quiet run-bare-container) && \
	  cp $$d/run-bare-container/explain.md tests/fixtures/golden/ && \
	  rm -rf $$d && echo "  GOLDEN  tests/fixtures/golden/explain.md"

deps:
	scripts/install-deps.sh

run: deps all
	./$(VBENCH) run --all --profile quick

# CK_DEFAULT_TIMEOUT stays at Check's 4 s; long cases set their own.
test: all $(TESTS)
	VBENCH_SRCDIR=$(CURDIR) ./$(TESTS)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/vbench $(DESTDIR)$(PREFIX)/share/vbench
	install -m 0755 $(VBENCH) $(DESTDIR)$(PREFIX)/bin/vbench
	install -m 0755 $(AGENT) $(DESTDIR)$(PREFIX)/libexec/vbench/vbench-agent
	install -m 0644 harness/run.schema.json $(DESTDIR)$(PREFIX)/share/vbench/run.schema.json

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vbench $(DESTDIR)$(PREFIX)/libexec/vbench/vbench-agent \
	      $(DESTDIR)$(PREFIX)/share/vbench/run.schema.json

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --suppress=missingIncludeSystem --suppress=unknownMacro --suppress=readdirCalled --inline-suppr --library=posix \
	  -I harness -I workloads harness workloads bench
	clang-tidy --quiet $(LIB_SRCS) $(VBENCH_SRCS) $(AGENT_SRCS) -- $(CPPFLAGS) -std=gnu11

clean:
	rm -rf $(BUILD) $(AGENT) $(VBENCH)

-include $(ALL_OBJS:.o=.d)
