"""SPDX expressions, the grant register (DCO, ICLA, CCLA, inbound=outbound), coverage,
compatibility and trademark notices."""
