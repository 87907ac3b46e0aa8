"""Demo-graph generator: reproducible, heavy-tailed social graphs of any size."""
