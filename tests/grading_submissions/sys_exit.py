# Calls sys.exit() before defining anything.
# %%
import sys

sys.exit(0)

# %%
{correct}
