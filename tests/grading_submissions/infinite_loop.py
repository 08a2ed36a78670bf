# An infinite loop at the top level: nothing can be graded; the grader must not hang.
# %%
while True:
    pass
