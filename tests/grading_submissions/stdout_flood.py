# Prints far more than the output limit before defining anything.
# %%
import sys

chunk = "x" * (1 << 20)
while True:
    sys.stdout.write(chunk)

# %%
{correct}
