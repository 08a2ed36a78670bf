# Allocates memory until it fails, before defining anything.
# %%
blocks = []
while True:
    blocks.append(bytearray(64 << 20))

# %%
{correct}
