# Correct answers, plus attempts to kill the grader: its parent, every process it can see, and
# kill(-1). As root the sandbox runs under its own uid, so all of these fail (or only hit itself)
# and the grader finishes normally. (Graded only when the tests run as root: as a normal user this
# would kill the test run itself.)
# %%
{correct}

# %%
import os
import signal

if os.getuid() >= 200_000:  # only as the grader's throw-away uid: never as root or as a real user
    for pid in [os.getppid()] + [int(p) for p in os.listdir("/proc") if p.isdigit()]:
        if pid != os.getpid():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
