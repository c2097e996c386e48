"""BEH plugin for Hantera användartjänst (manual 004): the basic account, kostnadsställe and ekonomisk attest."""
