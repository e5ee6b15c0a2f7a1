# The page-replacement lab's simulator (tools/policysim, docs/policysim.md):
# the real servers/mm/policy*.c on the host with -O2 and the strict
# warnings, no sanitizers. `make lab-policy` runs every policy, exact LRU
# and OPT over the shared traces at the README's frame counts into
# build/lab/*.csv. The traces are the course's shared folder beside the
# clone (../shared/traces), read-only.

POLICYSIM_CORE_SRCS := tools/policysim/machine.c tools/policysim/trace.c \
                       tools/policysim/lru.c tools/policysim/opt.c tools/policysim/sim.c \
                       servers/mm/policy.c servers/mm/policy_ghost.c servers/mm/policy_fifo.c servers/mm/policy_clock.c \
                       servers/mm/policy_car.c servers/mm/policy_clockpro.c servers/mm/policy_2q.c \
                       servers/mm/policy_linux.c
POLICYSIM_CFLAGS := -std=gnu11 -O2 -g $(WARN) $(INC) -Iservers/mm -Itools/policysim \
                    -DPAGODA_HOST_TEST=1
SHARED_TRACES := ../shared/traces

$(B)/host/policysim: tools/policysim/policysim.c $(POLICYSIM_CORE_SRCS) \
		     $(wildcard tools/policysim/*.h) $(wildcard servers/mm/*.h) | deps-check
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(V)$(CC) $(POLICYSIM_CFLAGS) -o $@ tools/policysim/policysim.c $(POLICYSIM_CORE_SRCS)

.PHONY: policysim lab-policy
policysim: $(B)/host/policysim

lab-policy: $(B)/host/policysim
	@mkdir -p $(B)/lab
	$(B)/host/policysim --csv --frames 100,400,1000 $(SHARED_TRACES)/sprite.txt >$(B)/lab/sprite.csv
	$(B)/host/policysim --csv --frames 50,80,100 $(SHARED_TRACES)/cpp.txt >$(B)/lab/cpp.csv
	$(B)/host/policysim --csv --new-bit clear --frames 100,400,1000 $(SHARED_TRACES)/sprite.txt \
	  >$(B)/lab/sprite-newbit-clear.csv
	$(B)/host/policysim --csv --new-bit clear --frames 50,80,100 $(SHARED_TRACES)/cpp.txt \
	  >$(B)/lab/cpp-newbit-clear.csv
	@echo "  LAB     $(B)/lab/{sprite,cpp}{,-newbit-clear}.csv"

# The core's host suite (tests/host/test_policysim.c), under the sanitizers.
HOST_TESTS += policysim
HOST_TEST_SRCS_policysim := tests/host/test_policysim.c $(POLICYSIM_CORE_SRCS)
$(eval $(call HOST_TEST_RULE,policysim))
$(B)/host/test_policysim: $(wildcard tools/policysim/*.h) $(wildcard servers/mm/*.h) \
			  $(B)/host/policysim
