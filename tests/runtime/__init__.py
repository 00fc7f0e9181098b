"""Unit tests of the client runtime, imported from its source without generating anything."""
