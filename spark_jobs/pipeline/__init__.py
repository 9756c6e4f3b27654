"""The tasks the DAGs call, one function each, and the run report."""
