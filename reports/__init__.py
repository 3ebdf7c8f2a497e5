"""Reports to the provincial chairman: weekly PDF, ad-hoc reports, archive and delivery."""
