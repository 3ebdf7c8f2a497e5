"""Shared pieces every app uses: home page, health checks, units, organizations, people, audit."""
