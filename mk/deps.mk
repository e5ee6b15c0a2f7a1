# Debian packages. `make deps` installs them (root) or prints the apt-get line.
# Every target that needs a tool depends on deps-check, which runs the same
# script once per make invocation (cheap: one dpkg-query per package).
.PHONY: deps deps-check
deps:
	@tools/deps.sh
deps-check: $(B)/.deps-ok
$(B)/.deps-ok: tools/deps.sh
	@mkdir -p $(B)
	@tools/deps.sh
	@touch $@
