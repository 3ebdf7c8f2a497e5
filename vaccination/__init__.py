"""Vaccination: vaccines, lots, sites, appointments, doses, adverse events, certificates."""
