# vbench - what virtualization costs.  Plain GNU make; `make V=1` shows commands.
#
#   make            build bench/vbench and workloads/vbench-agent
#   make run        install missing packages, build, run `vbench run --all --profile quick`
#   make test       build and run the Check unit and integration tests
#   make install    PREFIX=/usr/local DESTDIR=
#   make lint       clang-tidy and cppcheck over the tree
#   make sanitize   ASan+UBSan build in build-san/, unit and bare-metal integration tests
#   make valgrind   memcheck over the unit tests
#   make fuzz       libFuzzer targets of fuzz/, FUZZ_SECONDS (60) each

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc

# Baseline x86-64 ISA: the same agent binary must run in a TCG guest whose
# default CPU model lacks AVX (machine-facts.md).  Recorded in run.json.
ISA_FLAGS := -march=x86-64 -mtune=generic
CPPFLAGS += -I. -D_GNU_SOURCE -DVB_VERSION=\"$(VERSION)\" -DVB_ISA=\"x86-64\" -I/usr/include/libcpuid
CFLAGS ?= -O2 -g
CFLAGS += $(ISA_FLAGS) -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -MMD -MP -fno-strict-aliasing
# Instrumentation for every object and link (set by make sanitize and make fuzz).
SANITIZE ?=
CFLAGS += $(SANITIZE)
LDLIBS_AGENT := -lpapi -lcpuid -ljansson -lm
# liblzma and libarchive build the guest image (vbench only, never the agent);
# libinih reads capacity plan files; libsqlite3 is the result store.  LDLIBS_TEST includes them through LDLIBS_VBENCH.
LDLIBS_VBENCH := $(LDLIBS_AGENT) -llzma -larchive -linih -lsqlite3
LDLIBS_TEST := $(LDLIBS_VBENCH) $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt -lpthread)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- sources: one line each ----
# lib/: shared by the agent and the harness (errors, parsing, paths, counters, host facts)
LIB_SRCS += lib/error.c
LIB_SRCS += lib/util.c
LIB_SRCS += lib/json.c
LIB_SRCS += lib/optparse.c
LIB_SRCS += lib/term.c
LIB_SRCS += lib/cpulist.c
LIB_SRCS += lib/textsafe.c
LIB_SRCS += lib/textsafe_json.c
LIB_SRCS += lib/safefs.c
LIB_SRCS += lib/safefs_dir.c
LIB_SRCS += lib/mountinfo.c
LIB_SRCS += lib/testpoint.c
LIB_SRCS += lib/counters.c
LIB_SRCS += lib/counters_papi.c
LIB_SRCS += lib/hostinfo.c
# harness/core/: undo log, markers, child processes, agent channel, cgroups, run.json, the run configuration
LIB_SRCS += harness/core/runlock.c
LIB_SRCS += harness/core/cpuclaim.c
LIB_SRCS += harness/core/marker.c
LIB_SRCS += harness/core/undo.c
LIB_SRCS += harness/core/cgroup.c
LIB_SRCS += harness/core/chan.c
LIB_SRCS += harness/core/agentmsg.c
LIB_SRCS += harness/core/runproc.c
LIB_SRCS += harness/core/runfile.c
LIB_SRCS += harness/core/inifile.c
LIB_SRCS += harness/core/options.c
LIB_SRCS += harness/core/options_group.c
LIB_SRCS += harness/core/options_select.c
# harness/image/: what an instance boots or pivots into (rootfs, kernel, initramfs, guest image, cache)
LIB_SRCS += harness/image/elf.c
LIB_SRCS += harness/image/libsearch.c
LIB_SRCS += harness/image/rootfs.c
LIB_SRCS += harness/image/rootfs_tar.c
LIB_SRCS += harness/image/cachefile.c
LIB_SRCS += harness/image/kernel.c
LIB_SRCS += harness/image/vmlinux.c
LIB_SRCS += harness/image/kmodinfo.c
LIB_SRCS += harness/image/kmod.c
LIB_SRCS += harness/image/initramfs.c
LIB_SRCS += harness/image/guestimage.c
# harness/env/: the backend interface, the instance, one file per backend and its helpers
LIB_SRCS += harness/env/env.c
LIB_SRCS += harness/env/env_options.c
LIB_SRCS += harness/env/env_life.c
LIB_SRCS += harness/env/bare.c
LIB_SRCS += harness/env/vm_kvmprobe.c
LIB_SRCS += harness/env/vm_kvmguest.c
LIB_SRCS += harness/env/vm_qemu.c
LIB_SRCS += harness/env/container.c
LIB_SRCS += harness/env/container_ops.c
LIB_SRCS += harness/env/ct_common.c
LIB_SRCS += harness/env/criu.c
LIB_SRCS += harness/env/netpath.c
LIB_SRCS += harness/env/oci_spec.c
LIB_SRCS += harness/env/oci.c
LIB_SRCS += harness/env/gvisor.c
LIB_SRCS += harness/env/gvisor_ops.c
LIB_SRCS += harness/env/oci_ops.c
LIB_SRCS += harness/env/engine_ops.c
LIB_SRCS += harness/env/ssh.c
LIB_SRCS += harness/env/ssh_peer.c
LIB_SRCS += harness/env/ssh_remote.c
LIB_SRCS += harness/env/engine_image.c
LIB_SRCS += harness/env/engine.c
LIB_SRCS += harness/env/engine_undo.c
LIB_SRCS += harness/env/vm_disk.c
LIB_SRCS += harness/env/vm_log.c
LIB_SRCS += harness/env/vm.c
LIB_SRCS += harness/env/vm_boot.c
LIB_SRCS += harness/env/vm_ops.c
LIB_SRCS += harness/env/vm_qmp.c
LIB_SRCS += harness/env/instance.c
# harness/analysis/: statistics, summary, compare, explain, plan
LIB_SRCS += harness/analysis/stats.c
LIB_SRCS += harness/analysis/verdict.c
LIB_SRCS += harness/analysis/summary_input.c
LIB_SRCS += harness/analysis/summary_ops.c
LIB_SRCS += harness/analysis/summary.c
LIB_SRCS += harness/analysis/headline.c
LIB_SRCS += harness/analysis/compare.c
LIB_SRCS += harness/analysis/compare_stat.c
LIB_SRCS += harness/analysis/plan_ini.c
LIB_SRCS += harness/analysis/plan_recovery.c
LIB_SRCS += harness/analysis/plan.c
LIB_SRCS += harness/analysis/plan_env.c
LIB_SRCS += harness/analysis/explain.c
LIB_SRCS += harness/analysis/explain_noisy.c
LIB_SRCS += harness/analysis/explain_net.c
LIB_SRCS += harness/analysis/explain_sandbox.c
LIB_SRCS += harness/analysis/explain_ops.c
LIB_SRCS += harness/analysis/samples.c
LIB_SRCS += harness/analysis/hosts.c
LIB_SRCS += harness/analysis/hosts_stat.c
# harness/output/: terminal table, CSV, Markdown, HTML, charts, the report directory
LIB_SRCS += harness/output/table.c
LIB_SRCS += harness/output/table_fmt.c
LIB_SRCS += harness/output/table_facts.c
LIB_SRCS += harness/output/csv.c
LIB_SRCS += harness/output/reps_csv.c
LIB_SRCS += harness/output/markdown.c
LIB_SRCS += harness/output/table_capacity.c
LIB_SRCS += harness/output/html.c
LIB_SRCS += harness/output/html_facts.c
LIB_SRCS += harness/output/html_capacity.c
LIB_SRCS += harness/output/charts.c
LIB_SRCS += harness/output/charts_plot.c
LIB_SRCS += harness/output/charts_host.c
LIB_SRCS += harness/output/charts_style.c
LIB_SRCS += harness/output/charts_capacity.c
LIB_SRCS += harness/output/charts_plan.c
LIB_SRCS += harness/output/charts_fleet.c
LIB_SRCS += harness/output/hosts_print.c
LIB_SRCS += harness/output/history_print.c
LIB_SRCS += harness/output/report_dir.c
LIB_SRCS += harness/output/compare_print.c
LIB_SRCS += harness/output/plan_print.c
LIB_SRCS += harness/output/plan_html.c
LIB_SRCS += harness/output/explain_md.c
LIB_SRCS += harness/output/mdterm.c
LIB_SRCS += harness/output/explain_html.c
# harness/store/: the result store (SQLite)
LIB_SRCS += harness/store/store.c
LIB_SRCS += harness/store/store_query.c
# harness/run/: preparation, sizing, schedule, the run, resume, density, noisy neighbours, clean
LIB_SRCS += harness/run/sizing.c
LIB_SRCS += harness/run/schedule.c
LIB_SRCS += harness/run/prepare.c
LIB_SRCS += harness/run/prepare_space.c
LIB_SRCS += harness/run/prepare_out.c
LIB_SRCS += harness/run/density.c
LIB_SRCS += harness/run/noisy.c
LIB_SRCS += harness/run/recovery.c
LIB_SRCS += harness/run/cleanfs.c
LIB_SRCS += harness/run/clean.c
LIB_SRCS += harness/run/resume.c
LIB_SRCS += harness/run/run_envs.c
LIB_SRCS += harness/run/run_reps.c
LIB_SRCS += harness/run/contend.c
LIB_SRCS += harness/run/runner.c
# harness/fleet/: the same run on many hosts through Slurm
LIB_SRCS += harness/fleet/fleet.c
LIB_SRCS += harness/fleet/fleet_task.c
LIB_SRCS += harness/fleet/fleet_slurm.c
LIB_SRCS += harness/fleet/fleet_status.c
LIB_SRCS += harness/fleet/fleet_report.c
LIB_SRCS += harness/fleet/fleet_store.c
LIB_SRCS += harness/fleet/fleet_compare.c
LIB_SRCS += harness/fleet/fleet_plan.c
LIB_SRCS += harness/fleet/fleet_collect.c
# workloads/: the kernels and the agent (workloads/list.h)
LIB_SRCS += workloads/workload.c
LIB_SRCS += workloads/agent.c
LIB_SRCS += workloads/agent_bound.c
LIB_SRCS += workloads/agent_hold.c
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
LIB_SRCS += workloads/net_common.c
LIB_SRCS += workloads/app_common.c
LIB_SRCS += workloads/app_redis.c
LIB_SRCS += workloads/app_nginx.c
LIB_SRCS += workloads/net_stream.c
LIB_SRCS += workloads/net_rr.c

AGENT_SRCS += workloads/agent_main.c

# bench/: the commands (the test runner links them too: every --help from its table)
CMD_SRCS += bench/cmd.c
CMD_SRCS += bench/cmd_run.c
CMD_SRCS += bench/cmd_list.c
CMD_SRCS += bench/cmd_doctor.c
CMD_SRCS += bench/cmd_report.c
CMD_SRCS += bench/cmd_plan.c
CMD_SRCS += bench/cmd_explain.c
CMD_SRCS += bench/cmd_compare.c
CMD_SRCS += bench/cmd_clean.c
CMD_SRCS += bench/cmd_fleet.c
CMD_SRCS += bench/cmd_store.c
CMD_SRCS += bench/cmd_history.c
VBENCH_SRCS += bench/main.c
VBENCH_SRCS += $(CMD_SRCS)

TEST_SRCS += tests/check_json.c
TEST_SRCS += tests/check_main.c
TEST_SRCS += tests/check_util.c
TEST_SRCS += tests/check_optparse.c
TEST_SRCS += tests/check_term.c
TEST_SRCS += tests/check_layers.c
TEST_SRCS += tests/check_prefixes.c
TEST_SRCS += tests/check_textsafe.c
TEST_SRCS += tests/check_error.c
TEST_SRCS += tests/check_safefs.c
TEST_SRCS += tests/check_mountinfo.c
TEST_SRCS += tests/check_workload.c
TEST_SRCS += tests/check_env.c
TEST_SRCS += tests/check_undo.c
TEST_SRCS += tests/check_lifecycle.c
TEST_SRCS += tests/env_null.c
TEST_SRCS += tests/check_cpu.c
TEST_SRCS += tests/check_mem.c
TEST_SRCS += tests/check_io.c
TEST_SRCS += tests/check_net.c
TEST_SRCS += tests/check_app.c
TEST_SRCS += tests/check_counters.c
TEST_SRCS += tests/check_hostinfo.c
TEST_SRCS += tests/check_options.c
TEST_SRCS += tests/check_schedule.c
TEST_SRCS += tests/check_sizing.c
TEST_SRCS += tests/check_runfile.c
TEST_SRCS += tests/check_resume.c
TEST_SRCS += tests/check_agent.c
TEST_SRCS += tests/check_cgroup.c
TEST_SRCS += tests/check_stats.c
TEST_SRCS += tests/check_verdict.c
TEST_SRCS += tests/check_container.c
TEST_SRCS += tests/check_oci.c
TEST_SRCS += tests/check_gvisor.c
TEST_SRCS += tests/check_recovery.c
TEST_SRCS += tests/check_slurm.c
TEST_SRCS += tests/check_fleet.c
TEST_SRCS += tests/check_fleet_cluster.c
TEST_SRCS += tests/check_fleet_collect.c
TEST_SRCS += tests/check_hosts.c
TEST_SRCS += tests/check_store.c
TEST_SRCS += tests/check_inifile.c
TEST_SRCS += tests/check_ssh.c
TEST_SRCS += tests/testssh.c
TEST_SRCS += tests/check_engine.c
TEST_SRCS += tests/check_vm_kvmprobe.c
TEST_SRCS += tests/check_vm_qemu.c
TEST_SRCS += tests/check_kmod.c
TEST_SRCS += tests/check_guestimage.c
TEST_SRCS += tests/check_vm.c
TEST_SRCS += tests/check_summary.c
TEST_SRCS += tests/check_headline.c
TEST_SRCS += tests/check_table.c
TEST_SRCS += tests/check_cmd_report.c
TEST_SRCS += tests/check_charts.c
TEST_SRCS += tests/check_html.c
TEST_SRCS += tests/check_mdterm.c
TEST_SRCS += tests/check_samples.c
TEST_SRCS += tests/check_fit.c
TEST_SRCS += tests/check_compare.c
TEST_SRCS += tests/check_plan.c
TEST_SRCS += tests/check_explain.c
TEST_SRCS += tests/check_malformed.c
TEST_SRCS += tests/check_density.c
TEST_SRCS += tests/check_clean.c
TEST_SRCS += tests/check_cleanrules.c
TEST_SRCS += tests/cleantest.c
TEST_SRCS += tests/check_interrupt.c
TEST_SRCS += tests/debris.c
TEST_SRCS += tests/testutil.c
TEST_SRCS += tests/testnet.c
TEST_SRCS += tests/simstats.c
TEST_SRCS += tests/check_simstats.c
TEST_SRCS += tests/check_prepare.c
TEST_SRCS += tests/check_prepare_space.c
TEST_SRCS += tests/check_prepare_out.c
TEST_SRCS += tests/preparetest.c
TEST_SRCS += tests/check_sections.c
TEST_SRCS += tests/check_hostile.c
TEST_SRCS += tests/hostiletest.c
TEST_SRCS += tests/check_protocol.c
TEST_SRCS += tests/check_paths.c
TEST_SRCS += tests/check_runlock.c
TEST_SRCS += tests/check_contend.c
TEST_SRCS += tests/check_fulldisk.c
TEST_SRCS += tests/check_rundir.c
TEST_SRCS += tests/check_scratch.c
TEST_SRCS += tests/check_integration.c

# libFuzzer targets (make fuzz): fuzz/fuzz_<name>.c, seeds in fuzz/corpus/<name>/.
FUZZ_TARGETS += options
FUZZ_TARGETS += plan
FUZZ_TARGETS += runjson
FUZZ_TARGETS += agent_stream
FUZZ_TARGETS += agent_request

BUILD := build
LIB := $(BUILD)/libvbench.a
# A lying agent for the tests only (tests/fake_agent.c), next to the test runner.
FAKE_AGENT := $(BUILD)/fake-agent
AGENT := workloads/vbench-agent
VBENCH := bench/vbench
TESTS := $(BUILD)/check_vbench
# The simulated error rates of the verdicts (tests/simstats.c, scripts/sim-stats).
SIMSTATS := $(BUILD)/sim-stats

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
AGENT_OBJS := $(AGENT_SRCS:%.c=$(BUILD)/%.o)
VBENCH_OBJS := $(VBENCH_SRCS:%.c=$(BUILD)/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)
FUZZ_SRCS := $(FUZZ_TARGETS:%=fuzz/fuzz_%.c) fuzz/fuzz_common.c
FUZZ_OBJS := $(FUZZ_SRCS:%.c=$(BUILD)/%.o)
ALL_OBJS := $(LIB_OBJS) $(AGENT_OBJS) $(VBENCH_OBJS) $(TEST_OBJS) $(FUZZ_OBJS) $(BUILD)/tests/fake_agent.o \
	    $(BUILD)/tests/simstats_main.o

.PHONY: all run test test-deps install uninstall clean lint deps check-deps sanitize valgrind fuzz fuzz-build
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

$(TESTS): $(TEST_OBJS) $(CMD_OBJS) $(LIB) | $(FAKE_AGENT)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJS) $(CMD_OBJS) $(LIB) $(LDLIBS_TEST)

$(SIMSTATS): $(BUILD)/tests/simstats_main.o $(BUILD)/tests/simstats.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS_VBENCH)

$(FAKE_AGENT): $(BUILD)/tests/fake_agent.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -ljansson

# Refresh the golden report files from the committed fixtures, deliberately
# (review the diff): tests/check_summary.c, tests/check_explain.c,
# tests/check_sections.c and tests/check_recovery.c compare against them
# byte for byte.
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
	$(Q)d=$$(mktemp -d) && mkdir $$d/run-density-noisy && \
	  cp tests/fixtures/run-density-noisy.json $$d/run-density-noisy/run.json && \
	  (cd $$d && $(CURDIR)/$(VBENCH) report --quiet --no-charts run-density-noisy) && \
	  cp $$d/run-density-noisy/report.md tests/fixtures/golden/report-density-noisy.md && \
	  cp $$d/run-density-noisy/report.html tests/fixtures/golden/report-density-noisy.html && \
	  rm -rf $$d && echo "  GOLDEN  tests/fixtures/golden/report-density-noisy.md report-density-noisy.html"
	$(Q)d=$$(mktemp -d) && mkdir $$d/run-ops && cp tests/fixtures/run-ops.json $$d/run-ops/run.json && \
	  (cd $$d && $(CURDIR)/$(VBENCH) report --quiet --no-charts run-ops && \
	   $(CURDIR)/$(VBENCH) explain --quiet run-ops) && \
	  cp $$d/run-ops/report.md tests/fixtures/golden/report-ops.md && \
	  cp $$d/run-ops/explain.md tests/fixtures/golden/explain-ops.md && \
	  rm -rf $$d && echo "  GOLDEN  tests/fixtures/golden/report-ops.md explain-ops.md"
	$(Q)d=$$(mktemp -d) && ./$(VBENCH) report --fleet --quiet --no-charts --out $$d \
	  tests/fixtures/fleet/ant-0 tests/fixtures/fleet/bee-0 tests/fixtures/fleet/cat-0 && \
	  cp $$d/fleet-report.md $$d/fleet.csv tests/fixtures/golden/ && \
	  rm -rf $$d && echo "  GOLDEN  tests/fixtures/golden/fleet-report.md fleet.csv"

deps:
	scripts/install-deps.sh

# make test installs what it needs on a fresh machine, podman included (its
# environment is tested end to end; about 10-20 s to install, nothing when
# present), and the application workloads' programs (redis-server with its
# service neither started nor enabled), openssh-server for the ssh
# environment, and slurm-wlm with munge for the fleet tests' private
# one-node cluster (scripts/slurm.sh; no service of theirs started).
test-deps:
	scripts/install-deps.sh engines apps remote slurm
	@# a CRIU that checkpoints here (Debian 12's cannot on new kernels):
	@# Debian 13's unpacked into $(BUILD)/criu, first on the tests' PATH
	$(Q)scripts/criu.sh fetch $(BUILD)/criu >/dev/null || \
	  echo "  CRIU    none that works: the runc checkpoint test will skip"

run: deps all
	./$(VBENCH) run --all --profile quick

# CK_DEFAULT_TIMEOUT stays at Check's 4 s; long cases set their own.
# The vbench processes the tests start keep their markers in build/state,
# never in /run/vbench with those of real runs (docs/reliability.md).
TEST_STATE := VBENCH_STATE_DIR=$(CURDIR)/$(BUILD)/state
test: test-deps
	$(Q)$(MAKE) --no-print-directory all $(TESTS)
	$(Q)python3 scripts/check-layers.py && echo "  LAYERS  ok (docs/architecture.md)"
	$(Q)python3 scripts/check-prefixes.py && echo "  NAMES   ok (docs/architecture.md)"
	$(TEST_STATE) VBENCH_SRCDIR=$(CURDIR) PATH=$(CURDIR)/$(BUILD)/criu/bin:$$PATH \
	  scripts/dockerd.sh run ./$(TESTS)

# ---- reliability (docs/reliability.md) ----
# Suites without VMs or containers: the unit tests and the bare-metal
# integration test (the VM and container suites would not fit CI's time).
UNIT_SUITES := util optparse term layers prefixes error textsafe json safefs mountinfo inifile workload env undo lifecycle cpu mem io net app counters hostinfo \
	       options schedule sizing runfile resume agent cgroup stats verdict simstats summary headline table cmd_report charts html compare plan explain mdterm samples fit \
	       sections malformed clean cleanrules hostile protocol paths runlock contend fulldisk rundir scratch fleet fleet_collect hosts store
SAN_BUILD := build-san
SAN_FLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The instrumented binaries go to build-san/bench and build-san/workloads
# (the tests find them through VBENCH_BINDIR); the normal build is untouched.
sanitize:
	$(Q)$(MAKE) --no-print-directory BUILD=$(SAN_BUILD) VBENCH=$(SAN_BUILD)/bench/vbench \
	  AGENT=$(SAN_BUILD)/workloads/vbench-agent SANITIZE="$(SAN_FLAGS)" all $(SAN_BUILD)/check_vbench
	$(SAN_ENV) $(TEST_STATE) VBENCH_SRCDIR=$(CURDIR) VBENCH_BINDIR=$(CURDIR)/$(SAN_BUILD) \
	  VBENCH_SUITES="$(UNIT_SUITES) integration" ./$(SAN_BUILD)/check_vbench

# In one process (CK_FORK=no) so memcheck sees every test (not the simulated
# error rates: millions of bootstrap medians); the binaries the
# tests start are not traced.  tests/valgrind.supp: third-party libraries only.
VG_SUITES := $(filter-out malformed clean cleanrules hostile protocol simstats,$(UNIT_SUITES))
valgrind: all $(TESTS)
	$(Q)scripts/install-deps.sh valgrind
	CK_FORK=no VBENCH_VALGRIND=1 $(TEST_STATE) VBENCH_SRCDIR=$(CURDIR) VBENCH_SUITES="$(VG_SUITES)" valgrind -q --leak-check=full \
	  --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
	  --error-exitcode=99 --suppressions=tests/valgrind.supp ./$(TESTS)

# libFuzzer (clang, libclang-rt-14-dev: scripts/install-deps.sh fuzz).  Each
# target runs FUZZ_SECONDS from its committed seeds (fuzz/corpus/<target>/,
# with the tokens of fuzz/dict/<target>.dict) plus what earlier runs found
# (build-fuzz/corpus/, not committed); a crash fails the target and leaves
# the input in build-fuzz/crash-<target>-*.
FUZZ_BUILD := build-fuzz
FUZZ_CC := clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	      -fno-omit-frame-pointer -Wno-unknown-warning-option
FUZZ_ENV := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)
.SECONDARY: $(FUZZ_OBJS)

$(BUILD)/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/fuzz_common.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer $(LDFLAGS) -o $@ $^ $(LDLIBS_VBENCH)

fuzz:
	$(Q)scripts/install-deps.sh fuzz
	$(Q)$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) SANITIZE="$(FUZZ_FLAGS)" fuzz-build
	$(Q)set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  echo "  FUZZ    $$t ($(FUZZ_SECONDS) s)"; \
	  if ! $(FUZZ_ENV) ./$(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	      -close_fd_mask=1 -artifact_prefix=$(FUZZ_BUILD)/crash-$$t- -dict=fuzz/dict/$$t.dict \
	      $(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t > $(FUZZ_BUILD)/fuzz_$$t.log 2>&1; then \
	    tail -n 60 $(FUZZ_BUILD)/fuzz_$$t.log; echo "fuzz: $$t failed (log: $(FUZZ_BUILD)/fuzz_$$t.log)"; exit 1; \
	  fi; \
	  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" $(FUZZ_BUILD)/fuzz_$$t.log | sed 's/^/          /'; \
	done

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
	  -I . lib harness workloads bench fuzz
	clang-tidy --quiet $(LIB_SRCS) $(VBENCH_SRCS) $(AGENT_SRCS) $(FUZZ_SRCS) -- $(CPPFLAGS) -std=gnu11

clean:
	rm -rf $(BUILD) $(AGENT) $(VBENCH) $(SAN_BUILD) $(FUZZ_BUILD)

-include $(ALL_OBJS:.o=.d)
