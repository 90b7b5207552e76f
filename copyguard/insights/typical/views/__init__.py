"""Pages of typical cases: the public list and case pages, and the back office."""
