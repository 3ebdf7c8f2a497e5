"""Electronic and paper health declarations (khai báo y tế)."""
