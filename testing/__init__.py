"""Testing: sample collection, pooled samples, lab results and online result return."""
