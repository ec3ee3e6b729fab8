"""AR analytics on column arrays: ageing, DSO, CEI, payment behaviour (DOMAIN.md §3–§4)."""
