"""The generated client end to end: a fake HTTPS portal, hostile answers, the benchmark harness."""
