# The page-replacement lab's simulator (tools/policysim, docs/policysim.md):
# the real servers/mm/policy*.c on the host with -O2 and the strict
# warnings, no sanitizers, and the Lackey converter. `make lab-policy`
# (tools/policysim/lab.sh) runs every policy, exact LRU and OPT over the
# shared traces and four generated workloads at a range of frame counts:
# build/lab/W.{txt,csv,png,svg} per workload (gnuplot, plot.gp) and
# build/lab/summary.txt, the hit ratios beside the traces' README. The
# traces are the course's shared folder beside the clone (../shared/traces),
# read-only.

# The policies are those of the memory server's own list (POLICY_SRCS, from
# MM_SRCS in mk/sources.mk): a policy file added there is in the simulator too.
POLICYSIM_TOOL_SRCS := tools/policysim/machine.c tools/policysim/trace.c tools/policysim/gen.c \
                       tools/policysim/lru.c tools/policysim/opt.c tools/policysim/sim.c \
                       tools/policysim/reftable.c tools/policysim/report.c
POLICYSIM_CORE_SRCS := $(POLICYSIM_TOOL_SRCS) $(POLICY_SRCS)
POLICYSIM_CFLAGS := -std=gnu11 -O2 -g $(WARN) $(INC) -Iservers/mm -Itools/policysim -Ilib \
                    -DPAGODA_HOST_TEST=1
SHARED_TRACES := ../shared/traces

$(B)/host/policysim: tools/policysim/policysim.c $(POLICYSIM_CORE_SRCS) \
		     $(wildcard tools/policysim/*.h) $(wildcard servers/mm/*.h) | deps-check
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(V)$(CC) $(POLICYSIM_CFLAGS) -o $@ tools/policysim/policysim.c $(POLICYSIM_CORE_SRCS)

# valgrind's Lackey output -> a trace (docs/policysim.md, "Recording a program").
$(B)/host/lackey2trace: tools/policysim/lackey2trace.c | deps-check
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(V)$(CC) $(POLICYSIM_CFLAGS) -o $@ $<

.PHONY: policysim lab-policy
policysim: $(B)/host/policysim $(B)/host/lackey2trace

lab-policy: $(B)/host/policysim | deps-check
	@tools/policysim/lab.sh $(B)/host/policysim $(SHARED_TRACES) $(B)/lab

# The core's host suite (tests/host/test_policysim.c), under the sanitizers.
HOST_TESTS += policysim
HOST_TEST_SRCS_policysim := tests/host/test_policysim.c tests/host/policysim_fixture.c $(POLICYSIM_CORE_SRCS)
$(eval $(call HOST_TEST_RULE,policysim))
$(B)/host/test_policysim: $(wildcard tools/policysim/*.h) $(wildcard servers/mm/*.h) \
			  $(B)/host/policysim tools/policysim/lab.sh tools/policysim/plot.gp

# The Lackey converter, run as a user runs it on a checked-in excerpt.
HOST_TESTS += lackey2trace
HOST_TEST_SRCS_lackey2trace := tests/host/test_lackey2trace.c
$(eval $(call HOST_TEST_RULE,lackey2trace))
$(B)/host/test_lackey2trace: $(B)/host/lackey2trace $(B)/host/policysim tests/host/data/lackey-excerpt.log

# The generator alone. gen.c is also compiled freestanding, with no C
# library's headers, and must leave no symbol undefined: the in-OS replay
# links the same file (tools/policysim/gen.h).
HOST_TESTS += gen
HOST_TEST_SRCS_gen := tests/host/test_gen.c tests/host/policysim_fixture.c tools/policysim/gen.c
$(eval $(call HOST_TEST_RULE,gen))
$(B)/host/test_gen: tools/policysim/gen.h $(B)/host/gen-freestanding.o
$(B)/host/gen-freestanding.o: tools/policysim/gen.c tools/policysim/gen.h
	@mkdir -p $(@D)
	@echo "  CC      $@ (freestanding)"
	$(V)$(CC) -std=gnu11 -O2 $(WARN) -ffreestanding -nostdinc \
	  -isystem $(shell $(CC) -print-file-name=include) -c $< -o $@
	$(V)if [ -n "$$(nm -u $@)" ]; then echo "error: gen.c needs $$(nm -u $@ | tr -s ' \n' ' ')"; \
	  rm -f $@; exit 1; fi

# The lab's template (docs/labs/policy_template.c) registered as a student
# registers a policy (docs/labs/policy.md): policy.c with &policy_template
# at the front of policy_table, its extern declared - made mechanically
# from the real policy.c, which stays untouched - then the simulator and
# the template's host suite built with it, so the template cannot rot.
TEMPLATE_DIR := $(B)/lab-template
$(TEMPLATE_DIR)/policy.c: servers/mm/policy.c
	@mkdir -p $(@D)
	$(V)sed -e 's/^\(const struct mm_policy \*const policy_table\[\] = {\)/extern const struct mm_policy policy_template;\n\1 \&policy_template,/' $< >$@
	$(V)grep -q '{ &policy_template,' $@ || { echo "error: no policy_table in $< to register the template in (mk/policysim.mk)"; rm -f $@; exit 1; }
POLICYSIM_TEMPLATE_SRCS := $(POLICYSIM_TOOL_SRCS) $(TEMPLATE_DIR)/policy.c docs/labs/policy_template.c \
                           $(filter-out servers/mm/policy.c,$(POLICY_SRCS))
$(B)/host/policysim-template: tools/policysim/policysim.c $(POLICYSIM_TEMPLATE_SRCS) \
			      $(wildcard tools/policysim/*.h) $(wildcard servers/mm/*.h) | deps-check
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(V)$(CC) $(POLICYSIM_CFLAGS) -o $@ tools/policysim/policysim.c $(POLICYSIM_TEMPLATE_SRCS)

HOST_TESTS += policy_template
HOST_TEST_SRCS_policy_template := tests/host/test_policy_template.c tests/host/policysim_fixture.c \
                                  $(POLICYSIM_TEMPLATE_SRCS)
$(eval $(call HOST_TEST_RULE,policy_template))
$(B)/host/test_policy_template: $(wildcard tools/policysim/*.h) $(wildcard servers/mm/*.h) \
				$(B)/host/policysim-template
