# Correct answers except that log_sum_prob never returns: only q2 is lost, the rest is graded.
# %%
{correct}

# %%
def log_sum_prob(probs):
    while True:
        pass
