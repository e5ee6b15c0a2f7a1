# The labs (docs/teaching.md): handing a lab out and grading it.
#   make handout LAB=NAME [ALSO=LABS]  build/handout/NAME/ and build/handout/pagoda-lab-NAME.tar.gz
#   make grade [LAB=NAME]              run and score a lab's rubric (every lab without LAB)
#   make test-labs                     the check in make test: build/results/labs.tap, grade-self.tap
# Included after qemu.mk (lab-qemu-deps needs QEMU_TEST_DEPS).
LAB_NAMES := $(shell awk '!/^\#/ && NF { print $$2 }' tools/lab/labs)

.PHONY: handout grade test-labs lab-host-tests lab-host-objs lab-qemu-deps

handout:
	@if [ -z "$(LAB)" ]; then \
	  echo "make handout: which lab? make handout LAB=NAME [ALSO=LABS]; the labs: $(LAB_NAMES)" >&2; exit 2; fi
	@if [ -z "$(filter $(LAB),$(LAB_NAMES))" ] || [ "$(words $(LAB))" != 1 ]; then \
	  echo "make handout: no lab '$(LAB)'; the labs: $(LAB_NAMES)" >&2; exit 2; fi
	@tools/lab/handout.sh $(if $(ALSO),--also $(ALSO)) $(LAB) $(B)/handout/$(LAB)
	@tar -C $(B)/handout --exclude=$(LAB)/build --sort=name --owner=0 --group=0 --numeric-owner \
	  --transform 's,^$(LAB)\(/\|$$\),pagoda-lab-$(LAB)\1,' \
	  -czf $(B)/handout/pagoda-lab-$(LAB).tar.gz $(LAB)
	@echo "the student's archive: $(B)/handout/pagoda-lab-$(LAB).tar.gz (top folder pagoda-lab-$(LAB)/)"

grade:
	@tools/lab/grade.sh $(LAB)

# What grade.sh and tests/lab/check.sh ask make: the host suites, the
# objects (and their .d) of the suites S="test_a ...", the QEMU tests' images.
lab-host-tests:
	@echo $(HOST_TESTS)
lab-host-objs:
	@echo $(foreach o,$(sort $(foreach s,$(S),$(call HOST_OBJS,$(HOST_TEST_SRCS_$(s:test_%=%))))),$(o) $(o:.o=.d))
lab-qemu-deps: $(QEMU_TEST_DEPS)

# After make test's host and QEMU runs: every lab's rubric against their
# TAP, every lab's handout built and graded on its host suites
# (tests/lab/check.sh), and the grader's own tests (tests/lab/grade_tests.sh).
test-labs:
	@mkdir -p $(B)/results
	@tests/lab/grade_tests.sh $(B)/results/grade-self.tap
	@tests/lab/check.sh $(B)/results $(B)/results/labs.tap
