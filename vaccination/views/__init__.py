"""Pages of the vaccination app: ``public`` (booking, no login) and ``portal`` (staff)."""
