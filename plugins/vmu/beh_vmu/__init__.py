"""BEH plugin for Vårdmedarbetaruppdrag VMU (manual 003): uppdrag per vårdenhet, for one user and for many."""
