"""Benchmarks run by `make bench`. Each figure is a ratio to the machine's own limit for the same work,
measured side by side in the same run (absolute rates drift on a shared 2-core machine; ratios hold)."""
