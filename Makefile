# Vantage: `make run` serves the dashboard on the demo data, `make test` runs the suite.
# Extra arguments: make run ARGS="--port 8060"   make test ARGS="-k kpi -x"

ARGS ?=

.PHONY: run test bench setup setup-test system-deps

run:
	bash scripts/run.sh $(ARGS)

test:
	bash scripts/test.sh $(ARGS)

bench: setup
	@if [ -f bench/run.py ]; then \
		.venv/bin/python bench/run.py $(ARGS); \
	else \
		echo "bench/run.py not present: nothing to run"; \
	fi

setup:
	bash scripts/setup.sh runtime

setup-test:
	bash scripts/setup.sh test

system-deps:
	bash scripts/system-deps.sh
