"""Tests of the generator: loading, validation, the model, rendering, the output folder."""
