# Raises an exception in its first cell, so the cells that define the answers never run.
# %%
raise RuntimeError("boom")

# %%
{correct}
