"""Pages of the testing app: officials' (portal, lab, cases) and the citizen's look-up."""
