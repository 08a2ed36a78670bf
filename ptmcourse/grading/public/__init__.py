"""Generated public tests, one module per exercise."""
