# Starts processes that try to outlive the grader (a new session; a double fork with setsid),
# prints their PIDs (the test checks they are gone), then hangs.
# %%
{correct}

# %%
import os
import subprocess
import sys
import time

sleeper = subprocess.Popen(["sleep", "300"], start_new_session=True)
print("PID", sleeper.pid, flush=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        print("PID", os.getpid(), flush=True)
        while True:
            time.sleep(0.05)
    os._exit(0)
time.sleep(0.3)
while True:
    time.sleep(0.05)
